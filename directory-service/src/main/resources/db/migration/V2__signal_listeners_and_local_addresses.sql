-- Issue 12: reaching peers behind NAT. Written to run unchanged on H2 and PostgreSQL.

-- One row per (account, directory instance) while that instance holds a listening signalling
-- channel of the account; renewed by the instance every ping interval, deleted when its last
-- such channel closes, expired (and purged) when the instance died. A lookup's "signal" is
-- "an unexpired row exists".
CREATE TABLE signal_listener (
    account_id   BIGINT                   NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    instance_id  VARCHAR(36)              NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_signal_listener PRIMARY KEY (account_id, instance_id)
);
CREATE INDEX ix_signal_listener_instance ON signal_listener (instance_id);
CREATE INDEX ix_signal_listener_expires ON signal_listener (expires_at);

-- The listener's own interface addresses for its port ("local" candidates), as published with
-- PUT /api/v1/presence: at most 8 "ip port" pairs separated by commas, IP literals only; null
-- when none were given.
ALTER TABLE presence ADD COLUMN addresses VARCHAR(512);
