-- The housekeeping deletes the listener rows of a dead instance a batch of accounts at a time
-- (system/Housekeeping): one range of this index per batch, where the index on instance_id alone
-- made every batch sort and scan all of that instance's rows. Written to run unchanged on H2 and
-- PostgreSQL. The index on instance_id alone stays for now: dropping it takes an exclusive lock on
-- the table, which would stall the older instances still serving during a rolling upgrade.
CREATE INDEX ix_signal_listener_instance_account ON signal_listener (instance_id, account_id);
