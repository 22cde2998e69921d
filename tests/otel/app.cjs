// An application as a new user writes it: the `openai` client library, instrumented by the official
// OpenTelemetry OpenAI instrumentation or by OpenInference, exporting through the OpenTelemetry
// SDK's own OTLP exporters. It asks a stand-in model server on loopback one question and exits
// once its telemetry is flushed.
//
//   node app.cjs PROTOCOL INSTRUMENTATION COLLECTOR QUESTION
//
// PROTOCOL: http/protobuf, http/json or grpc. INSTRUMENTATION: otel or openinference.
// COLLECTOR: the collector's base URL (http://127.0.0.1:4318, or :4317 for grpc).
'use strict';

const http = require('node:http');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { LoggerProvider, BatchLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const { logs } = require('@opentelemetry/api-logs');
const { resourceFromAttributes } = require('@opentelemetry/resources');

const [protocol, instrumentation, collector, question] = process.argv.slice(2);
const headers = process.env.FLYWHEEL_COLLECTOR_TOKEN
    ? { Authorization: `Bearer ${process.env.FLYWHEEL_COLLECTOR_TOKEN}` }
    : {};

function exporters() {
    if (protocol === 'http/protobuf')
        return {
            spans: new (require('@opentelemetry/exporter-trace-otlp-proto').OTLPTraceExporter)({ url: `${collector}/v1/traces`, headers }),
            logs: new (require('@opentelemetry/exporter-logs-otlp-proto').OTLPLogExporter)({ url: `${collector}/v1/logs`, headers }),
        };
    if (protocol === 'http/json')
        return {
            spans: new (require('@opentelemetry/exporter-trace-otlp-http').OTLPTraceExporter)({ url: `${collector}/v1/traces`, headers }),
            logs: new (require('@opentelemetry/exporter-logs-otlp-http').OTLPLogExporter)({ url: `${collector}/v1/logs`, headers }),
        };
    if (protocol === 'grpc') {
        const { Metadata, credentials } = require('@grpc/grpc-js');
        const metadata = new Metadata();
        for (const [key, value] of Object.entries(headers)) metadata.set(key.toLowerCase(), value);
        const options = { url: collector, metadata, credentials: credentials.createInsecure() };
        return {
            spans: new (require('@opentelemetry/exporter-trace-otlp-grpc').OTLPTraceExporter)(options),
            logs: new (require('@opentelemetry/exporter-logs-otlp-grpc').OTLPLogExporter)(options),
        };
    }
    throw new Error(`unknown protocol ${protocol}`);
}

function instrument() {
    if (instrumentation === 'otel') {
        const { OpenAIInstrumentation } = require('@opentelemetry/instrumentation-openai');
        return new OpenAIInstrumentation({ captureMessageContent: process.env.CAPTURE_CONTENT !== 'false' });
    }
    const { OpenAIInstrumentation } = require('@arizeai/openinference-instrumentation-openai');
    return new OpenAIInstrumentation();
}

// The stand-in model server: answers every chat completion with one fixed reply.
function startModelServer() {
    const server = http.createServer((request, response) => {
        let body = '';
        request.on('data', chunk => (body += chunk));
        request.on('end', () => {
            const asked = JSON.parse(body);
            response.setHeader('Content-Type', 'application/json');
            response.end(JSON.stringify({
                id: 'chatcmpl-e2e', object: 'chat.completion', created: 1790000000, model: `${asked.model}-2026-01-01`,
                choices: [{ index: 0, finish_reason: 'stop',
                            message: { role: 'assistant', content: `Answer to: ${asked.messages.at(-1).content}` } }],
                usage: { prompt_tokens: 21, completion_tokens: 7, total_tokens: 28 },
            }));
        });
    });
    return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main() {
    const resource = resourceFromAttributes({ 'service.name': `e2e-${instrumentation}` });
    const { spans, logs: logExporter } = exporters();
    const tracerProvider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(spans)] });
    tracerProvider.register();
    const loggerProvider = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: logExporter })] });
    logs.setGlobalLoggerProvider(loggerProvider);
    registerInstrumentations({ instrumentations: [instrument()] });

    const OpenAI = require('openai'); // after the instrumentation is registered, so it is patched
    const model = await startModelServer();
    const client = new OpenAI({ apiKey: 'e2e', baseURL: `http://127.0.0.1:${model.address().port}/v1` });
    const reply = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: question }],
    });
    console.log(reply.choices[0].message.content);
    model.close();
    await tracerProvider.forceFlush();
    await loggerProvider.forceFlush();
    await tracerProvider.shutdown();
    await loggerProvider.shutdown();
}

main().catch(error => {
    console.error(error);
    process.exit(1);
});
