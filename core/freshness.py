"""How current an account's data is: the start of the last successful sync of its source.

The portal shows it beside balances and lists ("data as of 29 Nov, 14:05"): a customer reading
"nothing owed" should know when the ERP last said so. Accounts created in ardesk by hand, or
whose source never synced, have none.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Account


def data_as_of(session: Session, account_id: int) -> datetime | None:
    """The aware UTC time the account's data was last confirmed by its ERP, or None. Reads
    through whichever role the session has (the portal's, inside the account's scope)."""
    return session.scalar(select(Account.data_as_of).where(Account.id == account_id))
