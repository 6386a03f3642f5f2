-- "Hoy" for one person: her tasks through an index on whom they fall to and when, instead of
-- walking every file's tasks by date and dropping the others'.
--
-- caseworker: the file's caseworker (participants.assigned_to), copied so that a
--             caseworker's "Hoy" walks the tasks of her own files in date order;
-- falls_to:   whom the task falls to: its own assignee, else the file's caseworker.
-- Both are derived like the rest of tasks_due: the write path sets them when it recomputes a
-- file's tasks, and the trigger below moves them when a file changes caseworker, whichever
-- path changes it.

ALTER TABLE tasks_due ADD COLUMN caseworker TEXT;
ALTER TABLE tasks_due ADD COLUMN falls_to TEXT;

UPDATE tasks_due SET caseworker = (SELECT p.assigned_to FROM participants p
                                   WHERE p.id = tasks_due.participant_id);
UPDATE tasks_due SET falls_to = COALESCE(assigned_to, caseworker);

-- Each index ends with the table's key (participant_id, key), so a walk with the person
-- fixed comes out in "Hoy"'s order: due date, file, key.
CREATE INDEX tasks_due_falls_to ON tasks_due (falls_to, due_on);
CREATE INDEX tasks_due_caseworker ON tasks_due (caseworker, due_on);

CREATE TRIGGER tasks_due_follow_caseworker AFTER UPDATE OF assigned_to ON participants
WHEN NEW.assigned_to IS NOT OLD.assigned_to
BEGIN
    UPDATE tasks_due SET caseworker = NEW.assigned_to,
                         falls_to = COALESCE(assigned_to, NEW.assigned_to)
     WHERE participant_id = NEW.id;
END;
