"""Alembic environment: migrations always run on the connection (and inside the transaction) handed over by
store, which holds the migration lock and made the backup first."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
