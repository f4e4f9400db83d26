# ruff: noqa: E501 -- one phrase a line reads better than wrapped strings
"""English phrase bank for generated training messages.

Slots: {inv} one invoice number, {invs} several, {po} a PO number, {month} a month name,
{amount} an amount, {date} a date, {q} a quarter label.
"""

GREETINGS = [
    "Hi,",
    "Hello,",
    "Hi there,",
    "Good morning,",
    "Dear AR team,",
    "Hi team,",
    "Hello team,",
    "Dear Sir or Madam,",
    "Good afternoon,",
    "Hey,",
    "Morning,",
    "",
    "",
]
CLOSINGS = [
    "Thanks,",
    "Thank you,",
    "Kind regards,",
    "Best regards,",
    "Regards,",
    "Cheers,",
    "Many thanks,",
    "Thanks in advance,",
    "Best,",
    "Thx",
    "",
]
FILLERS = [
    "Our auditors are asking for it.",
    "We are closing the month on Friday.",
    "We moved to a new AP system last month.",
    "Our AP inbox had a sync problem.",
    "I'm covering for a colleague this week.",
    "We need it for our records.",
    "This is for our year-end close.",
    "Sorry for the short notice.",
    "Hope you're well.",
    "We are reconciling our ledger.",
    "It's a bit urgent.",
    "Our controller is asking.",
    "",
]

SUBJECTS = {
    "invoice_copy": [
        "Invoice copy",
        "Copy of invoice {inv}",
        "Missing invoice",
        "Invoice {inv}",
        "Request for invoice copy",
        "Invoices needed",
        "Resend invoice",
        "{inv}",
        "Missing invoices {month}",
        "Invoice request",
    ],
    "statement": [
        "Statement request",
        "Statement of account",
        "SOA request",
        "Open item list",
        "Account statement",
        "Statement please",
        "Statement {month}",
    ],
    "balance": [
        "Account balance",
        "Balance query",
        "Outstanding balance",
        "What do we owe?",
        "Overdue amount",
        "Aging",
        "Open balance",
    ],
    "payment_status": [
        "Payment confirmation",
        "Remittance advice",
        "Payment sent",
        "Did you receive our payment?",
        "Payment for {inv}",
        "Payment status",
        "Payment applied?",
    ],
    "dispute": [
        "Invoice {inv} query",
        "Pricing issue on {inv}",
        "Duplicate invoice",
        "Incorrect invoice {inv}",
        "Billing error",
        "Short delivery - {inv}",
        "Credit note required",
    ],
}

REQUESTS = {
    "invoice_copy": [
        "Could you please send me a copy of invoice {inv}?",
        "Can you resend invoice {inv}? It never reached our AP inbox.",
        "Please send a copy of {inv}.",
        "We are missing invoice {inv}, could you email it again?",
        "Could you send copies of invoices {invs}?",
        "Can I get {inv} resent please?",
        "We never received invoice {inv}. Please forward a PDF copy.",
        "Would you mind sending over the invoice for our PO {po}?",
        "Please email us copies of all open invoices on our account.",
        "Could you send PDF copies of all invoices from {month}?",
        "We can't find your invoices for {month}, could you send them again?",
        "can u resend inv {inv} pls",
        "need a copy of {inv} for approval today",
        "The PDF for invoice {inv} is corrupted and won't open. Could you send it again?",
        "Please reissue a copy of invoice {inv} to ap@example.com, the original went to an old address.",
        "Could you send me the invoices billed against PO {po}?",
        "Would you happen to have the invoice for the delivery last week? We can't locate it.",
        "Please send duplicate copies of {invs} for our auditors.",
        "Can you email me the invoice for order {po}? Nothing came through to accounts.",
        "We need copies of the invoices you issued to us last month.",
        "Our scanner lost {inv}, could you send it over again?",
        "Could you also send {inv}? Our receiving clerk says no invoice arrived.",
        "please send me invoice #{inv}",
        "Could you forward the invoice for the service visit on {date}?",
    ],
    "statement": [
        "Could you send us a statement of account?",
        "Please send an updated statement for our account.",
        "Can you send me the open items list for {q}?",
        "Please provide a statement of account as at {date}.",
        "Could we have a statement covering {month}?",
        "Please email a year-to-date statement for our account.",
        "Can you send a full statement showing all invoices, credits and payments since {date}?",
        "statement pls when you get a sec",
        "We need a statement of account for our auditors.",
        "Could you send a statement for last quarter?",
        "Please send an open item list in Excel format.",
        "Can I get a copy of our statement as of end of {month}?",
        "Kindly provide your latest statement of account showing all open items.",
        "Please send a statement for {month} so we can reconcile.",
        "Could you send a list of all our open invoices?",
        "Please send us an account statement for the first half of the year.",
    ],
    "balance": [
        "What is our current balance with you?",
        "Can you tell me the total outstanding on our account and how much is past due?",
        "How much do we owe you right now?",
        "Could you let me know what is overdue on our account?",
        "Are we fully current or is anything past due?",
        "What's the total amount due, including invoices not yet due?",
        "Please confirm our open balance as of today.",
        "how much is overdue on our acct? boss is asking",
        "Can you give me our aging totals (current / 30 / 60 / 90+)? No need for a statement.",
        "What do we need to pay to bring the account current?",
        "Our records show a different balance. What is the actual open amount on your side?",
        "What's the oldest unpaid invoice and the total overdue?",
        "whats our balance? need a number for the cash report",
        "Could you confirm the amount outstanding so we can clear it in one payment?",
    ],
    "payment_status": [
        "Can you confirm you received our payment of {amount} for invoice {inv}?",
        "We paid invoice {inv} on {date} by ACH. Has it been applied?",
        "We sent a wire for {amount} covering invoices {invs}. Please confirm receipt.",
        "did the payment for {inv} go thru on your end?",
        "Please find our remittance advice below: invoices {invs}, total {amount}.",
        "We mailed a check for {amount} last week. Can you let me know if it arrived?",
        "Our payment for {inv} shows as completed at our bank. Can you check it was received?",
        "We paid {inv} but your reminder still shows it open. Can you check the allocation?",
        "Payment of {amount} was released today for {invs}.",
        "fyi sent payment for {inv} this morning, can you confirm when it lands?",
        "We made a lump-sum payment of {amount}. Which invoices did you apply it to?",
        "Could you send a receipt confirming {inv} is marked paid?",
        "It looks like we paid {inv} twice. Did you receive both payments?",
        "Have you received our payment for invoice {inv}? We sent the transfer last week.",
        "Could you check whether the payment for invoice {inv} has been applied?",
    ],
    "dispute": [
        "Invoice {inv} bills the wrong unit price; our PO {po} has a lower price. Please issue a credit note.",
        "We have been billed twice for the same delivery: {invs}. Please cancel one of them.",
        "Invoice {inv} shows 60 units but we only received 48. Please correct it.",
        "We dispute the late fee on invoice {inv}; we paid within terms. Please remove it.",
        "The freight charge on {inv} was not agreed. Please credit it.",
        "{inv} charges a restocking fee that is not in our agreement. Please credit the difference.",
        "The discount we agreed was not applied on invoice {inv}. Please send a credit note.",
        "We returned the goods but no credit has been issued against {inv}. Please apply the credit.",
        "We refused the delivery but were still invoiced on {inv}. Please cancel the invoice.",
        "hi the price on {inv} is off, should be the contract rate. can you fix?",
        "Invoice {inv} has the wrong VAT rate. Please reissue it correctly.",
        "We are holding {inv} until the pricing error is corrected.",
        "The hours billed on {inv} are wrong, only two technicians were on site. Please adjust.",
    ],
}

# Messages that stand alone (whole bodies).
AUTO_REPLIES = [
    (
        "Automatic reply: {subject}",
        "Thank you for your email. I am out of the office until {date} with limited access to email. For urgent matters please contact ap@example.com.",
    ),
    (
        "Out of Office: {subject}",
        "I'm currently on annual leave and will return on {date}. Your message will not be forwarded.",
    ),
    (
        "Auto Reply: {subject}",
        "Thank you for your message. Our offices are closed for the holidays and will reopen on {date}.",
    ),
    (
        "Automatic reply: {subject}",
        "Please note that I am no longer with the company. This mailbox is not monitored. Please contact accounts@example.com.",
    ),
    (
        "{subject}",
        "This mailbox is no longer monitored. Please use our supplier portal for all enquiries. This is an automated message.",
    ),
    (
        "Undeliverable: {subject}",
        "Delivery has failed to these recipients or groups. The email address you entered couldn't be found.",
    ),
    (
        "Delivery Status Notification (Failure)",
        "Address not found. Your message wasn't delivered because the address couldn't be found or is unable to receive mail.",
    ),
    ("Read: {subject}", "Your message was read on {date}."),
    ("Recall: {subject}", 'Jane Doe would like to recall the message, "{subject}".'),
    (
        "We've received your email",
        "This is an automated confirmation that we have received your email. Please do not resend your request.",
    ),
    (
        "Auto-acknowledgement: {subject}",
        "This is an automated response. Your request has been logged under reference AP-{num}. A member of our team will respond within 3-5 business days.",
    ),
    (
        "Document received: Invoice {inv}",
        "This is an automatic notification. Your document has been received and will be processed by our accounts payable team. Please do not reply.",
    ),
    (
        "Automatic reply: {subject}",
        "Hi, I'm on parental leave until {date}. Please send accounts payable queries to ap@example.com.",
    ),
    (
        "Out of office",
        "I am away from the office on business travel and will respond when I return.",
    ),
    ("Automatic reply: {subject}", "I'm out sick today and will reply as soon as possible."),
]
OTHERS = [
    (
        "Updated W-9 needed",
        "Please send a signed W-9 form so we can keep your vendor account active.",
    ),
    (
        "Vendor bank details verification",
        "As part of our fraud controls please complete the attached bank verification form and return it signed.",
    ),
    (
        "Change of invoice submission address",
        "Effective next month all invoices must be emailed to invoices@example.com. Please update your records.",
    ),
    (
        "Supplier Day invitation",
        "We are pleased to invite you to our annual supplier day. Register here: https://example.com/event",
    ),
    (
        "Legal entity name change",
        "Please update your customer master with our new legal name for all invoices dated after {date}.",
    ),
    (
        "Join our supplier portal",
        "We are moving all supplier invoicing to a new portal. You will receive an invitation email shortly.",
    ),
    (
        "Quote request",
        "Do you stock stainless hex bolts? We need 500 pieces, please send a quote with lead time.",
    ),
    (
        "Mailbox quota exceeded",
        "Your mailbox has exceeded its storage limit. Click here to re-validate your account within 24 hours.",
    ),
    (
        "Certificate of insurance expired",
        "Please provide an updated certificate of insurance naming us as additional insured.",
    ),
    (
        "Trade reference request",
        "Would you be willing to act as a trade reference for our new credit line? Please fill in the attached form.",
    ),
    (
        "paying by card?",
        "Going forward can we pay your invoices by credit card? Is there a surcharge?",
    ),
    (
        "Did you change your bank details?",
        "We received an email saying your bank account changed. Can you confirm by phone whether this is genuine?",
    ),
    (
        "Peppol ID",
        "From January we only accept e-invoices via Peppol. Please tell us your Peppol participant ID.",
    ),
    (
        "Remove me from reminders",
        "PLEASE REMOVE ME FROM YOUR REMINDER EMAILS. I am in purchasing. Send AP mail to ap@example.com.",
    ),
    (
        "Change to payment terms",
        "For all invoices dated after {date} payment will be made 60 days end of month.",
    ),
    (
        "Please confirm remittance email address",
        "Please reply with the email address where you want to receive remittance advices.",
    ),
    (
        "SOC 2 report request",
        "Please provide your most recent SOC 2 report and complete the security questionnaire.",
    ),
    (
        "New delivery address",
        "Please note our warehouse is moving. Deliveries from next month go to our new site.",
    ),
    ("Meeting next week", "Are you free for a call next week to discuss the new contract?"),
    (
        "Newsletter",
        "Read our latest news on sustainability and procurement. To unsubscribe click here.",
    ),
    (
        "Contact update",
        "Please update your records: our new AP contact is Jane Smith, jane@example.com.",
    ),
    (
        "Tax exemption certificate",
        "Attached is our tax exemption certificate. Please stop charging sales tax on future invoices.",
    ),
]
