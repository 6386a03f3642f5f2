-- One field-name convention on the change log: camelCase, as the records' fields already were.
-- Her own fields were written under their column names (legal_name) and records named their
-- file participant_id: operations written before are renamed, their values untouched.

-- The log refuses updates; this one-time rename sets the trigger aside and puts it back.
DROP TRIGGER change_log_no_update;

UPDATE change_log SET field = CASE field
    WHEN 'case_code' THEN 'caseCode'
    WHEN 'legal_name' THEN 'legalName'
    WHEN 'chosen_name' THEN 'chosenName'
    WHEN 'birth_year' THEN 'birthYear'
    WHEN 'gender_identity' THEN 'genderIdentity'
    WHEN 'safe_contact' THEN 'safeContact'
    WHEN 'message_ok' THEN 'messageOk'
    WHEN 'assigned_to' THEN 'assignedTo'
    WHEN 'closing_reason' THEN 'closingReason'
END
WHERE record_type = 'participant' AND field IN ('case_code', 'legal_name', 'chosen_name', 'birth_year', 'gender_identity', 'safe_contact', 'message_ok', 'assigned_to', 'closing_reason');

UPDATE change_log_heads SET field = CASE field
    WHEN 'case_code' THEN 'caseCode'
    WHEN 'legal_name' THEN 'legalName'
    WHEN 'chosen_name' THEN 'chosenName'
    WHEN 'birth_year' THEN 'birthYear'
    WHEN 'gender_identity' THEN 'genderIdentity'
    WHEN 'safe_contact' THEN 'safeContact'
    WHEN 'message_ok' THEN 'messageOk'
    WHEN 'assigned_to' THEN 'assignedTo'
    WHEN 'closing_reason' THEN 'closingReason'
END
WHERE record_type = 'participant' AND field IN ('case_code', 'legal_name', 'chosen_name', 'birth_year', 'gender_identity', 'safe_contact', 'message_ok', 'assigned_to', 'closing_reason');

-- The keys of the operations that carry a whole record (json() keeps each value's type).
UPDATE change_log
SET value = json_remove(json_set(value, '$.caseCode', json(value -> '$.case_code')), '$.case_code')
WHERE record_type = 'participant' AND kind = 'create' AND json_type(value, '$.case_code') IS NOT NULL;
UPDATE change_log
SET value = json_remove(json_set(value, '$.legalName', json(value -> '$.legal_name')), '$.legal_name')
WHERE record_type = 'participant' AND kind = 'create' AND json_type(value, '$.legal_name') IS NOT NULL;
UPDATE change_log
SET value = json_remove(json_set(value, '$.chosenName', json(value -> '$.chosen_name')), '$.chosen_name')
WHERE record_type = 'participant' AND kind = 'create' AND json_type(value, '$.chosen_name') IS NOT NULL;
UPDATE change_log
SET value = json_remove(json_set(value, '$.birthYear', json(value -> '$.birth_year')), '$.birth_year')
WHERE record_type = 'participant' AND kind = 'create' AND json_type(value, '$.birth_year') IS NOT NULL;
UPDATE change_log
SET value = json_remove(json_set(value, '$.genderIdentity', json(value -> '$.gender_identity')), '$.gender_identity')
WHERE record_type = 'participant' AND kind = 'create' AND json_type(value, '$.gender_identity') IS NOT NULL;
UPDATE change_log
SET value = json_remove(json_set(value, '$.safeContact', json(value -> '$.safe_contact')), '$.safe_contact')
WHERE record_type = 'participant' AND kind = 'create' AND json_type(value, '$.safe_contact') IS NOT NULL;
UPDATE change_log
SET value = json_remove(json_set(value, '$.messageOk', json(value -> '$.message_ok')), '$.message_ok')
WHERE record_type = 'participant' AND kind = 'create' AND json_type(value, '$.message_ok') IS NOT NULL;
UPDATE change_log
SET value = json_remove(json_set(value, '$.assignedTo', json(value -> '$.assigned_to')), '$.assigned_to')
WHERE record_type = 'participant' AND kind = 'create' AND json_type(value, '$.assigned_to') IS NOT NULL;
UPDATE change_log
SET value = json_remove(json_set(value, '$.closingReason', json(value -> '$.closing_reason')), '$.closing_reason')
WHERE record_type = 'participant' AND kind = 'create' AND json_type(value, '$.closing_reason') IS NOT NULL;
UPDATE change_log
SET value = json_remove(json_set(value, '$.participantId', json(value -> '$.participant_id')), '$.participant_id')
WHERE kind IN ('create', 'append') AND json_type(value, '$.participant_id') IS NOT NULL;
UPDATE change_log
SET value = json_remove(json_set(value, '$.staffId', json(value -> '$.staff_id')), '$.staff_id')
WHERE record_type = 'participant_access' AND kind IN ('create', 'append') AND json_type(value, '$.staff_id') IS NOT NULL;

CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;
