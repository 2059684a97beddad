"""The one rule for a connection id the widget or the playground will send to the Accounts API."""
import re

# The API's ids are short and opaque, some with '.' or ':'; never '/', spaces or only dots, so
# an id is always one harmless URL path segment.
CONNECTION_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def valid_connection_id(value: object) -> bool:
    """Whether `value` is worth asking the API about (the API says whether it exists)."""
    return isinstance(value, str) and bool(CONNECTION_ID.fullmatch(value)) \
        and value.strip(".") != ""
