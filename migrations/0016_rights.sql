-- A woman's rights requests are records of her file (`rights_request`, term 181 of
-- src/compact.rs). A coordinator's list of them, and a request found by its id, read this
-- small index rather than every record.
CREATE INDEX case_records_rights ON case_records (id) WHERE kind = 181;

-- The erasure markers on the log (`erasure`, term 180), listed with which laptops hold them.
CREATE INDEX change_log_erasures ON change_log (record_type) WHERE record_type = 180;
