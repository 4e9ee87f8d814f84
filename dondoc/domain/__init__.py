"""Pure domain logic: no Prefect, no database session, no network, no clock."""
