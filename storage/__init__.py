"""SQLAlchemy 2 storage: mappings, repositories, unit of work, migrations, PII encryption."""
