-- A caseworker's first "Hoy" after unlocking read a page of `participants` for every task it
-- counted, to drop closed and deleted files. Each task now carries whether its file is open,
-- so the counts of a coordinator's "Hoy", of a caseworker's own files and of "only mine" read
-- no file row.
--
-- open: 1 while the file is not deleted and its status is 'open'. Derived like the rest of
--       tasks_due: the write path sets it when it recomputes a file's tasks, and the trigger
--       below follows the file's status, whichever path changes it.

ALTER TABLE tasks_due ADD COLUMN open INTEGER NOT NULL DEFAULT 1 CHECK (open IN (0, 1));

UPDATE tasks_due SET open = (SELECT p.deleted = 0 AND p.status = 'open' FROM participants p
                             WHERE p.id = tasks_due.participant_id);

-- A caseworker's walk, and anyone's "only mine": the open files' tasks in "Hoy"'s order
-- (due date, file, key).
DROP INDEX tasks_due_caseworker;
CREATE INDEX tasks_due_caseworker ON tasks_due (caseworker, open, due_on);
DROP INDEX tasks_due_falls_to;
CREATE INDEX tasks_due_falls_to ON tasks_due (falls_to, open, due_on);
-- A coordinator's walk over every open file's tasks, in the same order.
DROP INDEX tasks_due_by_date;
CREATE INDEX tasks_due_by_date ON tasks_due (open, due_on);

CREATE TRIGGER tasks_due_follow_status AFTER UPDATE OF status, deleted ON participants
WHEN (NEW.deleted = 0 AND NEW.status = 'open') IS NOT (OLD.deleted = 0 AND OLD.status = 'open')
BEGIN
    UPDATE tasks_due SET open = (NEW.deleted = 0 AND NEW.status = 'open')
     WHERE participant_id = NEW.id;
END;
