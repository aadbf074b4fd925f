-- Review tallies kept per statement (PostgreSQL only; SQLite keeps 0004's row triggers).
--
-- Why: 0004 updated the same tally row once per inserted row. PostgreSQL writes a new version
-- of a row on every update, and within one transaction each update must step over all the
-- versions before it, so launching a cycle of 100,000 reviewees (one INSERT of ~550,000
-- assignments into a handful of tally rows) took hours; one 444-row INSERT took ~8 s. These
-- triggers run once per statement over its transition tables and add each group's total once.
-- What the tallies mean is unchanged (see 0004); the tally test in server/tests holds both
-- databases to counts made from the rows.

DROP TRIGGER review_participants_tally_insert ON review_participants;
DROP TRIGGER review_participants_tally_update ON review_participants;
DROP TRIGGER review_assignments_tally_insert_delete ON review_assignments;
DROP TRIGGER review_assignments_tally_update ON review_assignments;
DROP FUNCTION review_participants_tally();
DROP FUNCTION review_participant_tally(review_participants, BIGINT);
DROP FUNCTION review_assignments_tally();
DROP FUNCTION review_assignment_tally(review_assignments, BIGINT);

-- A transition table's rows are anonymous records: ROW(n.*)::table gives them the table's type.

-- Reviewees: each row in `added` counts +1 in its groups, each row in `removed` -1. Groups are
-- written in key order, so two concurrent statements lock tally rows in the same order.
CREATE FUNCTION review_participants_apply(added review_participants[], removed review_participants[])
RETURNS void LANGUAGE sql AS $$
    WITH delta AS (
        SELECT p.*, 1 AS sign FROM unnest(added) p
        UNION ALL
        SELECT p.*, -1 AS sign FROM unnest(removed) p
    ), division AS (
        INSERT INTO review_division_tallies AS t
            (cycle_id, top_department_id, rating, participants, with_peers, released, acknowledged, signed_off)
        SELECT cycle_id, top_department_id, review_effective_rating(final_rating, proposed_rating),
            SUM(sign), SUM(sign * (peer_reviewers > 0)::int), SUM(sign * (released_at IS NOT NULL)::int),
            SUM(sign * (acknowledged_at IS NOT NULL)::int), SUM(sign * (signed_off_at IS NOT NULL)::int)
        FROM delta GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (cycle_id, top_department_id, rating) DO UPDATE SET
            participants = t.participants + EXCLUDED.participants,
            with_peers = t.with_peers + EXCLUDED.with_peers,
            released = t.released + EXCLUDED.released,
            acknowledged = t.acknowledged + EXCLUDED.acknowledged,
            signed_off = t.signed_off + EXCLUDED.signed_off
    )
    INSERT INTO review_manager_tallies AS t (cycle_id, top_department_id, manager_id, rating, reviewees)
    SELECT cycle_id, top_department_id, COALESCE(manager_id, 0),
        review_effective_rating(final_rating, proposed_rating), SUM(sign)
    FROM delta GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (cycle_id, top_department_id, manager_id, rating) DO UPDATE SET
        reviewees = t.reviewees + EXCLUDED.reviewees;
$$;

CREATE FUNCTION review_participants_tally_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM review_participants_apply(
        ARRAY(SELECT ROW(n.*)::review_participants FROM new_rows n), '{}');
    RETURN NULL;
END $$;
CREATE TRIGGER review_participants_tally_insert AFTER INSERT ON review_participants
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION review_participants_tally_insert();

-- Only rows whose tallied fields changed move (a statement-level trigger cannot name columns).
CREATE FUNCTION review_participants_tally_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    added review_participants[];
    removed review_participants[];
BEGIN
    WITH moved AS (
        SELECT ROW(o.*)::review_participants AS old_row, ROW(n.*)::review_participants AS new_row
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.cycle_id, o.top_department_id, o.manager_id, o.proposed_rating, o.final_rating,
               o.released_at IS NULL, o.acknowledged_at IS NULL, o.signed_off_at IS NULL,
               o.peer_reviewers > 0)
          IS DISTINCT FROM
              (n.cycle_id, n.top_department_id, n.manager_id, n.proposed_rating, n.final_rating,
               n.released_at IS NULL, n.acknowledged_at IS NULL, n.signed_off_at IS NULL,
               n.peer_reviewers > 0)
    )
    SELECT array_agg(new_row), array_agg(old_row)
    INTO added, removed FROM moved;
    IF added IS NOT NULL THEN
        PERFORM review_participants_apply(added, removed);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER review_participants_tally_update AFTER UPDATE ON review_participants
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION review_participants_tally_update();

-- Assignments: each row in `added` counts +1 on its (cycle, top department, kind) by state,
-- each row in `removed` -1; a peer that is not declined also counts on its reviewee.
CREATE FUNCTION review_assignments_apply(added review_assignments[], removed review_assignments[])
RETURNS void LANGUAGE sql AS $$
    WITH delta AS (
        SELECT a.*, 1 AS sign FROM unnest(added) a
        UNION ALL
        SELECT a.*, -1 AS sign FROM unnest(removed) a
    ), kinds AS (
        INSERT INTO review_kind_tallies AS t
            (cycle_id, top_department_id, kind, nominated, declined, pending, draft, submitted)
        SELECT d.cycle_id, p.top_department_id, d.kind,
            SUM(d.sign * (d.state = 'nominated')::int), SUM(d.sign * (d.state = 'declined')::int),
            SUM(d.sign * (d.state = 'pending')::int), SUM(d.sign * (d.state = 'draft')::int),
            SUM(d.sign * (d.state = 'submitted')::int)
        FROM delta d JOIN review_participants p ON p.id = d.participant_id
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (cycle_id, top_department_id, kind) DO UPDATE SET
            nominated = t.nominated + EXCLUDED.nominated,
            declined = t.declined + EXCLUDED.declined,
            pending = t.pending + EXCLUDED.pending,
            draft = t.draft + EXCLUDED.draft,
            submitted = t.submitted + EXCLUDED.submitted
    )
    UPDATE review_participants p SET peer_reviewers = p.peer_reviewers + peers.change
    FROM (
        SELECT participant_id, SUM(sign) AS change FROM delta
        WHERE kind = 'peer' AND state <> 'declined'
        GROUP BY participant_id HAVING SUM(sign) <> 0
    ) peers
    WHERE p.id = peers.participant_id;
$$;

CREATE FUNCTION review_assignments_tally_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM review_assignments_apply(
        ARRAY(SELECT ROW(n.*)::review_assignments FROM new_rows n), '{}');
    RETURN NULL;
END $$;
CREATE TRIGGER review_assignments_tally_insert AFTER INSERT ON review_assignments
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION review_assignments_tally_insert();

CREATE FUNCTION review_assignments_tally_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM review_assignments_apply(
        '{}', ARRAY(SELECT ROW(o.*)::review_assignments FROM old_rows o));
    RETURN NULL;
END $$;
CREATE TRIGGER review_assignments_tally_delete AFTER DELETE ON review_assignments
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION review_assignments_tally_delete();

CREATE FUNCTION review_assignments_tally_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    added review_assignments[];
    removed review_assignments[];
BEGIN
    SELECT array_agg(ROW(n.*)::review_assignments), array_agg(ROW(o.*)::review_assignments)
    INTO added, removed
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.participant_id, o.cycle_id, o.kind, o.state)
        IS DISTINCT FROM (n.participant_id, n.cycle_id, n.kind, n.state);
    IF added IS NOT NULL THEN
        PERFORM review_assignments_apply(added, removed);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER review_assignments_tally_update AFTER UPDATE ON review_assignments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION review_assignments_tally_update();
