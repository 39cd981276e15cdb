-- Issue 16: holding listening channels costs the database nothing per ping interval. Each
-- directory instance renews one row of its own (its heartbeat) instead of every listener row it
-- holds (17,500 channels made that one UPDATE of 17,500 rows every 20 s, the sweep's main cost);
-- a listener row counts while its instance's row has not expired. Written to run unchanged on
-- H2 and PostgreSQL.
CREATE TABLE signal_instance (
    instance_id VARCHAR(36)              NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_signal_instance PRIMARY KEY (instance_id)
);
-- signal_listener.expires_at is no longer written (new rows leave it null) nor read. It stays
-- for now, nullable, so that instances of the previous version, still running during a rolling
-- upgrade on PostgreSQL, keep working (they see the new instances' listeners as not listening
-- until they are replaced); a later migration drops it.
ALTER TABLE signal_listener ALTER COLUMN expires_at DROP NOT NULL;
