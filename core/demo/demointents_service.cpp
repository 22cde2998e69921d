#include "demo/demointents.h"

// Templates of the customer-service categories of the demo's fictional smart-home company,
// Brightlane. The syntax is described in demointents.h.

namespace flywheel {
namespace {

constexpr DemoIntent kBilling[] = {
    {"double-charge",
     {"Why was I charged twice for {plan} this month?",
      "I see two charges of {price} on my card, can you fix it?",
      "double charge on my account for the {plan} plan", "You billed me twice!! {price} two times",
      "Hi, my bank statement shows 2 payments for my subscription this month"},
     "I can see why that is worrying. When a payment is retried, your bank may show the first attempt as "
     "well: {one of the two charges is a pending authorization that drops off within 3-5 business days|both "
     "charges are final, and the second one is refunded at the end of your billing cycle}.\n\n"
     "#. Open the Brightlane app and go to Account > Billing > Payment history.\n"
     "<<#. Check whether one of the {price} charges is marked \"Pending\".\n>>"
     "#. If both show as \"Paid\", tap \"Report a problem\" next to the second one and we refund it.",
     {{"It's been a week and it's still there.",
       "Thanks for waiting. A pending charge older than 5 business days should not be there: tap \"Report a "
       "problem\" next to it and a billing specialist refunds it within 2 business days."},
      {"Can you just refund it now?", "I can't issue refunds from this chat, but the \"Report a problem\" "
                                      "button goes straight to the billing "
                                      "team and most duplicate charges are refunded the same day."}}},
    {"cancel-plan",
     {"How do I cancel my {plan} subscription?", "I want to cancel", "cancel {plan} plan please",
      "How can I stop being charged {price} every month?", "Is there a fee to cancel my subscription early?"},
     "You can cancel anytime, with no cancellation fee:\n"
     "#. Open the app and go to Account > Subscription.\n"
     "<<#. Tap \"Manage plan\".\n>>"
     "#. Tap \"Cancel subscription\" and confirm.\n\n"
     "{You keep {plan} features until the end of the current billing period|Access ends immediately and "
     "unused days are refunded to your card}. Your devices keep working with the free features after that.",
     {{"Will I lose my recorded videos?",
       "Recordings are kept for 30 days after your {plan} period ends, so you can download the ones you want "
       "from Library > Download."},
      {"Can I downgrade instead of cancelling?",
       "Yes: in Account > Subscription tap \"Change plan\" and pick Basic. The change applies from your next "
       "billing date."}}},
    {"update-card",
     {"How do I update my credit card?", "my card expired, where do I change payment method",
      "Change the card you charge for {plan}", "I need to add a new payment card to my account"},
     "To update your payment method:\n"
     "#. Go to Account > Billing > Payment methods.\n"
     "#. Tap \"Add card\" and enter the new card details.\n"
     "<<#. Set the new card as default and remove the expired one.\n>>"
     "Your next payment of {price} is charged to the new card. {We never store the full card number; it is "
     "kept by our payment provider|We keep a copy of your card details on our servers for faster checkout}.",
     {{"Can I pay with PayPal instead?",
       "Yes, PayPal is available in the same screen: tap \"Add payment method\" and choose PayPal."},
      {"The new card was declined.",
       "Declines usually come from the bank: check that the billing address matches the card's, then try "
       "again. If it still fails, your bank can tell you why it blocked the payment."}}},
    {"invoice",
     {"Where can I download my invoices?", "I need an invoice with our VAT number for the {plan} plan",
      "how to get receipt for {price} payment", "Can you send me all invoices for this year?"},
     "Invoices are in Account > Billing > Invoices; each one can be downloaded as a PDF. To add your company "
     "name and VAT number, tap \"Billing details\"; {invoices issued after the change|all past and future "
     "invoices} will show them.",
     {{"Can you resend last month's invoice by email?",
       "Sure: open the invoice and tap \"Email me a copy\"; it goes to the address on your account."},
      {}}},
    {"plan-price",
     {"How much is the {plan} plan?", "What's the difference between Plus and Pro?",
      "Is {plan} worth it for one camera?", "price of {plan} per year?"},
     "The {plan} plan is {price} per month. Paying yearly saves {two months|half the price}. Every plan "
     "includes live view and alerts; Plus adds 30 days of video history and Pro adds 60 days, person "
     "detection and professional monitoring.",
     {{"Is there a free trial?", "Yes, every new device comes with a 30-day trial of Plus. No card needed."},
      {}}},
};

constexpr DemoIntent kAccount[] = {
    {"reset-password",
     {"How do I reset my password?", "I forgot my password", "password reset link not working",
      "Can't log in, forgot password. Help", "How do I change my Brightlane password?"},
     "No problem, here is how to reset it:\n"
     "#. On the sign-in screen, tap \"Forgot password?\".\n"
     "#. Enter the email address of your account.\n"
     "<<#. Open the email from Brightlane and tap the reset link.\n>>"
     "#. Choose a new password of at least 12 characters.\n\n"
     "The link is valid for {30 minutes|24 hours}. If the email does not arrive, check your spam folder.",
     {{"The email never arrives.",
       "Please check the spam or promotions folder and make sure you entered the address you signed up "
       "with. If it is still missing after 10 minutes, I can ask an agent to verify your identity."},
      {"It says the link has expired.",
       "Links expire after 30 minutes and each new request cancels the previous one. Request a new link and "
       "use the most recent email."}}},
    {"lost-2fa",
     {"I lost my phone and can't get the 2FA code", "two-factor authentication locked me out",
      "New phone, authenticator app is empty, how do I log in?", "how to disable 2FA without my old phone"},
     "I'm sorry you're locked out. You can get back in with a recovery code:\n"
     "#. On the code screen, tap \"Use a recovery code\".\n"
     "#. Enter one of the codes you saved when you turned on two-factor authentication.\n"
     "<<#. Once signed in, go to Account > Security and set up two-factor authentication on your new "
     "phone.\n>>"
     "If you have no recovery codes, {our team can verify your identity and reset 2FA within 2 business "
     "days|we can turn off 2FA right away if you tell me your email address}.",
     {{"I don't have the recovery codes.",
       "Then we need to verify your identity first. I've started the request: you'll get an email asking for "
       "a photo of a device's serial number label. The reset takes up to 2 business days."},
      {}}},
    {"account-locked",
     {"My account is locked after too many attempts", "it says account temporarily locked",
      "locked out of my account, tried password {count} times", "Why is my account blocked?"},
     "For your security, an account locks for {15 minutes|24 hours} after 5 wrong passwords. You can wait, "
     "or reset your password right away with \"Forgot password?\", which also unlocks the account.",
     {{"I didn't try to log in, is someone hacking me?",
       "It could be someone guessing. Reset your password, then check Account > Security > Active sessions "
       "and sign out any device you don't recognise. Turning on two-factor authentication blocks this for "
       "good."},
      {}}},
    {"change-email",
     {"How do I change the email on my account?", "I need to update my email address",
      "change login email to my work address", "Can I merge two Brightlane accounts?"},
     "You can change it in Account > Profile > Email. We send a confirmation link to the new address"
     "{ and the change applies once you click it| and the change applies immediately}. Your devices, plan "
     "and recordings stay with the account.",
     {{"And merging two accounts?",
       "Accounts can't be merged, but you can move devices: remove a device from one account and add it to "
       "the other. Video history stays with the old account."},
      {}}},
};

constexpr DemoIntent kShipping[] = {
    {"where-is-order",
     {"Where is my order {order}?", "order {order} hasn't arrived yet",
      "Tracking for {order} hasn't updated in days", "When will my {product} arrive?",
      "hi, any news on my order {order}?"},
     "Let me check. Order {order} ({product}) left our warehouse and is with {carrier}. Standard delivery "
     "takes {3-5|10-14} business days after dispatch. You can follow it in the app under Orders > {order} > "
     "Track.",
     {{"The tracking says delivered but I have nothing.",
       "Sorry about that. Please check with neighbours and your building's mailroom; carriers sometimes scan "
       "a parcel as delivered a day early. If it hasn't shown up within 48 hours, reply here and we'll send "
       "a replacement or a refund."},
      {"Can I change the delivery address?",
       "If the parcel hasn't been handed to {carrier} yet, yes: Orders > {order} > Edit address. Once it's "
       "with the carrier, use {carrier}'s own redirect service with the tracking number."}}},
    {"ship-to-city",
     {"Do you ship to {city}?", "how long is delivery to {city}", "Shipping cost to {city}?",
      "Can I order a {product} for delivery in {city}?"},
     "Yes, we deliver to {city}. Shipping is free on orders over $50; below that it's $5.99. Delivery "
     "usually takes {3-5|1-2} business days, and you'll get a tracking link by email.",
     {{"Do you offer express shipping?", "Yes, express delivery (1-2 business days) is $14.99 and is "
                                         "available at checkout for most addresses."},
      {}}},
    {"damaged-package",
     {"My {product} arrived damaged", "the box was crushed and the {product} doesn't turn on",
      "Received a broken {product}, order {order}"},
     "I'm sorry it arrived like that. We'll replace it at no cost:\n"
     "#. Take a photo of the damaged item and the box.\n"
     "<<#. Keep the packaging until the replacement arrives.\n>>"
     "#. Go to Orders > {order} > Report a problem and upload the photos.\n\n"
     "The replacement ships {within 1 business day|after we receive the damaged item back}.",
     {{"Do I need to send the broken one back?",
       "We'll email you a prepaid label. Please send it back within 30 days; you don't need to wait for it "
       "to arrive before the replacement ships."},
      {}}},
};

constexpr DemoIntent kReturns[] = {
    {"return-window",
     {"Can I return my {product}?", "What is your return policy?",
      "how many days do I have to return the {product}",
      "I want to send back the {product} I bought, is it too late?"},
     "You can return any Brightlane device within {30|14} days of delivery for a full refund, even if you "
     "opened it. Start the return in Orders > {order} > Return item; we email you a prepaid {carrier} label.",
     {{"What if it's been 40 days?",
       "After 30 days we can't refund it, but the device is under warranty for 2 years: if something is "
       "wrong with it, we repair or replace it."},
      {}}},
    {"refund-status",
     {"When do I get my refund for {order}?", "I returned the {product} two weeks ago, where is my money?",
      "refund status {order}", "Still waiting for my refund of {amount}"},
     "Once the warehouse receives the return, we refund {amount} to your original payment method. Banks take "
     "{5-7 business days|24 hours} to show it. You can see the refund status in Orders > {order}.",
     {{"It says received but no refund yet.",
       "Refunds are issued within 2 business days of receipt. If it has been longer, reply with the date you "
       "dropped it off and I'll ask the warehouse team to check."},
      {}}},
    {"exchange",
     {"Can I exchange my {product} for a different model?", "I want to swap the {product} for the bigger one",
      "exchange instead of refund?"},
     "Yes. The quickest way is to start a return for the {product} and place a new order; {you get the full "
     "refund once we receive it|we charge only the price difference}. That way the new one ships right away "
     "instead of waiting for the return.",
     {{}, {}}},
};

constexpr DemoIntent kSmallTalk[] = {
    {"greeting",
     {"hi", "hello", "Hey there", "good morning", "hi! quick question"},
     "Hi! I'm Brightlane's assistant. I can help with orders, billing, your account and your devices. "
     "What can I do for you?",
     {{}, {}}},
    {"thanks",
     {"thanks!", "thank you so much", "great, that's all", "perfect, thanks for the help"},
     "You're welcome! If anything else comes up, I'm here.",
     {{}, {}}},
    {"are-you-human",
     {"are you a bot?", "Am I talking to a real person?", "is this AI?"},
     "I'm an AI assistant. I can answer most questions right away, and I can hand you over to a human "
     "agent whenever you like: just ask.",
     {{"ok get me a human", "Sure, I've asked for an agent. The current wait is about {wait} minutes."}, {}}},
    {"joke",
     {"tell me a joke", "say something funny", "Can you tell me a smart home joke?"},
     "Why did the thermostat go to therapy? It had too many unresolved temperature issues.",
     {{}, {}}},
};

constexpr DemoTurn kGenericFollowUps[] = {
    {"Thanks, that worked!", "Great, glad it's sorted! Anything else I can help with?"},
    {"That didn't work. Anything else I can try?",
     "I'm sorry it's still not working. I've passed this to a specialist: you'll get an email within one "
     "business day. A screenshot of what you see would help them."},
    {"Can I talk to a human?",
     "Of course. I've requested a human agent; the current wait is about {wait} minutes. You can keep this "
     "chat open or we'll email you."},
    {"can you explain that more simply", "Sure. In short: follow the first step above, and if that doesn't "
                                         "fix it, reply here and we'll take it from there."},
    {"ok", "Anything else I can help with today?"},
};

} // namespace

std::span<const DemoIntent> billingIntents()
{
    return kBilling;
}
std::span<const DemoIntent> accountIntents()
{
    return kAccount;
}
std::span<const DemoIntent> shippingIntents()
{
    return kShipping;
}
std::span<const DemoIntent> returnsIntents()
{
    return kReturns;
}
std::span<const DemoIntent> smallTalkIntents()
{
    return kSmallTalk;
}
std::span<const DemoTurn> genericFollowUps()
{
    return kGenericFollowUps;
}

} // namespace flywheel
