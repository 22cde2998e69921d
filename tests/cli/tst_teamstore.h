#pragma once

// The store on a PostgreSQL server (docs/team.md), against a real server the test starts itself:
// tst_teamstore.cpp connects, creates, refuses and copies; tst_teamstore_loop.cpp runs the loop
// on it (ingest, collectors, curation and what follows, decisions) beside SQLite.

#include "pgserver.h"

#include <QObject>
#include <QTemporaryDir>

class TestTeamStore : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void placeholdersBecomeNumbered_data();
    void placeholdersBecomeNumbered();
    void locationsHideTheirPasswords();
    void valuesRoundTrip();
    void initCreatesTheSchemaOnce();
    void initOnAnotherSchema();
    void concurrentInitsMigrateOnce();
    void badLocationsFailInOneLine_data();
    void badLocationsFailInOneLine();
    void newerSchemaIsRefused();
    void anotherApplicationIsRefusedUntouched();
    void fileOnlyCommandsSaySo();
    void copyRoundTripsBetweenEngines();
    void copyRefusesAFullDestination();
    void interruptedCopyResumes();
    void ingestStoresTheSameOnBothEngines();
    void concurrentIngestsStoreEachRecordOnce();
    void curationAndWhatFollowsMatchOnBothEngines();
    void collectorsOnOneServerStoreEachRecordOnce();
    void oneCurationRunAtATime();
    void decisionsOnTheServer();

private:
    QString freshDatabase();
    QString demoStore(const QString &name, int interactions);

    flywheel::testing::PgTestServer m_server;
    QTemporaryDir m_dir;
    int m_databases = 0;
};
