-- The housekeeping deletes the listener rows of a dead instance a batch of accounts at a time
-- (system/Housekeeping): one range of this index per batch, where the index on instance_id alone
-- made every batch sort and scan all of that instance's rows. It also serves everything the old
-- one did (a lookup or delete by instance). Written to run unchanged on H2 and PostgreSQL.
CREATE INDEX ix_signal_listener_instance_account ON signal_listener (instance_id, account_id);
DROP INDEX ix_signal_listener_instance;
