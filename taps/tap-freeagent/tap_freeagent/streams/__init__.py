"""The tap's streams, one module per resource family."""

from singer_sdk import Stream

from tap_freeagent.streams.banking import BankAccountsStream, BankTransactionExplanationsStream, BankTransactionsStream
from tap_freeagent.streams.company import CategoriesStream, CompanyStream
from tap_freeagent.streams.documents import BillsStream, ContactsStream, CreditNotesStream, InvoicesStream

STREAM_TYPES: list[type[Stream]] = [
    CompanyStream,
    CategoriesStream,
    BankAccountsStream,
    BankTransactionsStream,
    BankTransactionExplanationsStream,
    ContactsStream,
    InvoicesStream,
    CreditNotesStream,
    BillsStream,
]
