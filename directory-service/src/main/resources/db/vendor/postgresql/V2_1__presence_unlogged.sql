-- Issue 16: presence is soft state. PostgreSQL only (profile "postgres" adds this location; H2
-- keeps the table as it is, and the embedded default keeps presence in memory anyway).
-- UNLOGGED: a renewal writes no WAL and waits for no disk flush; after a crash of the database
-- the table is empty, and peers are back on their next renewal (every 20 s). A clean restart
-- keeps it. The foreign key to the (logged) account table is allowed in this direction.
ALTER TABLE presence SET UNLOGGED;
