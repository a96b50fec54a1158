"""Storage implementations of :mod:`volunteer_core.ports`: ``storage.memory`` (the reference) and
``storage.sql`` (SQLAlchemy Core; SQLite and PostgreSQL; extra ``volunteer-core[sql]``)."""
