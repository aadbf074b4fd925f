-- Review tallies (PostgreSQL). migrations/sqlite/0004_review_tallies.sql does the same.
-- HR's cycle page and calibration read these counts instead of counting a cycle's participants
-- and assignments on every request (100,000 reviewees have some 550,000 assignments). Triggers
-- on review_participants and review_assignments keep them current in the same transaction as
-- every write, bulk ones (launch, seed) included, so no write path can forget them.

-- Peer reviewers of a reviewee that are not declined (nominated, approved, writing or done).
ALTER TABLE review_participants ADD COLUMN peer_reviewers BIGINT NOT NULL DEFAULT 0;

-- Assignments per cycle, top-level department and reviewer type, by state.
CREATE TABLE review_kind_tallies (
    cycle_id BIGINT NOT NULL,
    top_department_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    nominated BIGINT NOT NULL DEFAULT 0,
    declined BIGINT NOT NULL DEFAULT 0,
    pending BIGINT NOT NULL DEFAULT 0,
    draft BIGINT NOT NULL DEFAULT 0,
    submitted BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (cycle_id, top_department_id, kind)
);

-- Reviewees per cycle, top-level department and effective rating (the calibrated one, else
-- the manager's proposal rounded half up; 0 while there is none), with their outcomes.
CREATE TABLE review_division_tallies (
    cycle_id BIGINT NOT NULL,
    top_department_id BIGINT NOT NULL,
    rating BIGINT NOT NULL,
    participants BIGINT NOT NULL DEFAULT 0,
    with_peers BIGINT NOT NULL DEFAULT 0,
    released BIGINT NOT NULL DEFAULT 0,
    acknowledged BIGINT NOT NULL DEFAULT 0,
    signed_off BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (cycle_id, top_department_id, rating)
);

-- Reviewees per cycle, top-level department, manager at launch (0: none) and effective rating.
CREATE TABLE review_manager_tallies (
    cycle_id BIGINT NOT NULL,
    top_department_id BIGINT NOT NULL,
    manager_id BIGINT NOT NULL,
    rating BIGINT NOT NULL,
    reviewees BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (cycle_id, top_department_id, manager_id, rating)
);
CREATE INDEX review_manager_tallies_manager ON review_manager_tallies(cycle_id, manager_id);

-- The calibrated rating, else the proposal rounded half up (in hundredths, then by integer
-- division, as store::reviews does), else 0.
CREATE FUNCTION review_effective_rating(final_rating BIGINT, proposed_rating DOUBLE PRECISION)
RETURNS BIGINT LANGUAGE sql IMMUTABLE AS $$
    SELECT COALESCE(final_rating, (CAST(ROUND(proposed_rating * 100) AS BIGINT) + 50) / 100, 0)
$$;

-- What is already there.
UPDATE review_participants p SET peer_reviewers = (
    SELECT COUNT(*) FROM review_assignments a
    WHERE a.participant_id = p.id AND a.kind = 'peer' AND a.state <> 'declined');

INSERT INTO review_kind_tallies
SELECT a.cycle_id, p.top_department_id, a.kind,
    COUNT(*) FILTER (WHERE a.state = 'nominated'), COUNT(*) FILTER (WHERE a.state = 'declined'),
    COUNT(*) FILTER (WHERE a.state = 'pending'), COUNT(*) FILTER (WHERE a.state = 'draft'),
    COUNT(*) FILTER (WHERE a.state = 'submitted')
FROM review_assignments a JOIN review_participants p ON p.id = a.participant_id
GROUP BY a.cycle_id, p.top_department_id, a.kind;

INSERT INTO review_division_tallies
SELECT cycle_id, top_department_id, review_effective_rating(final_rating, proposed_rating),
    COUNT(*), COUNT(*) FILTER (WHERE peer_reviewers > 0), COUNT(released_at),
    COUNT(acknowledged_at), COUNT(signed_off_at)
FROM review_participants GROUP BY 1, 2, 3;

INSERT INTO review_manager_tallies
SELECT cycle_id, top_department_id, COALESCE(manager_id, 0),
    review_effective_rating(final_rating, proposed_rating), COUNT(*)
FROM review_participants GROUP BY 1, 2, 3, 4;

-- Adds one reviewee (sign 1) to its tallies or takes it out (sign -1).
CREATE FUNCTION review_participant_tally(p review_participants, sign BIGINT) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO review_division_tallies AS t
        (cycle_id, top_department_id, rating, participants, with_peers, released, acknowledged, signed_off)
    VALUES (p.cycle_id, p.top_department_id,
        review_effective_rating(p.final_rating, p.proposed_rating), sign,
        sign * (p.peer_reviewers > 0)::int, sign * (p.released_at IS NOT NULL)::int,
        sign * (p.acknowledged_at IS NOT NULL)::int, sign * (p.signed_off_at IS NOT NULL)::int)
    ON CONFLICT (cycle_id, top_department_id, rating) DO UPDATE SET
        participants = t.participants + EXCLUDED.participants,
        with_peers = t.with_peers + EXCLUDED.with_peers,
        released = t.released + EXCLUDED.released,
        acknowledged = t.acknowledged + EXCLUDED.acknowledged,
        signed_off = t.signed_off + EXCLUDED.signed_off;
    INSERT INTO review_manager_tallies AS t (cycle_id, top_department_id, manager_id, rating, reviewees)
    VALUES (p.cycle_id, p.top_department_id, COALESCE(p.manager_id, 0),
        review_effective_rating(p.final_rating, p.proposed_rating), sign)
    ON CONFLICT (cycle_id, top_department_id, manager_id, rating) DO UPDATE SET
        reviewees = t.reviewees + EXCLUDED.reviewees;
END $$;

-- A change takes the old row out and puts the new one in, lower rating first, so that two
-- concurrent changes lock the tally rows in the same order.
CREATE FUNCTION review_participants_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM review_participant_tally(NEW, 1);
    ELSIF review_effective_rating(OLD.final_rating, OLD.proposed_rating)
            <= review_effective_rating(NEW.final_rating, NEW.proposed_rating) THEN
        PERFORM review_participant_tally(OLD, -1);
        PERFORM review_participant_tally(NEW, 1);
    ELSE
        PERFORM review_participant_tally(NEW, 1);
        PERFORM review_participant_tally(OLD, -1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER review_participants_tally_insert AFTER INSERT ON review_participants
    FOR EACH ROW EXECUTE FUNCTION review_participants_tally();
CREATE TRIGGER review_participants_tally_update
    AFTER UPDATE OF proposed_rating, final_rating, released_at, acknowledged_at, signed_off_at, peer_reviewers
    ON review_participants FOR EACH ROW EXECUTE FUNCTION review_participants_tally();

-- Adds one assignment (sign 1) to its tally or takes it out (sign -1); a peer that is not
-- declined also counts on its reviewee.
CREATE FUNCTION review_assignment_tally(a review_assignments, sign BIGINT) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO review_kind_tallies AS t
        (cycle_id, top_department_id, kind, nominated, declined, pending, draft, submitted)
    SELECT a.cycle_id, p.top_department_id, a.kind, sign * (a.state = 'nominated')::int,
        sign * (a.state = 'declined')::int, sign * (a.state = 'pending')::int,
        sign * (a.state = 'draft')::int, sign * (a.state = 'submitted')::int
    FROM review_participants p WHERE p.id = a.participant_id
    ON CONFLICT (cycle_id, top_department_id, kind) DO UPDATE SET
        nominated = t.nominated + EXCLUDED.nominated,
        declined = t.declined + EXCLUDED.declined,
        pending = t.pending + EXCLUDED.pending,
        draft = t.draft + EXCLUDED.draft,
        submitted = t.submitted + EXCLUDED.submitted;
END $$;

CREATE FUNCTION review_assignments_tally() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    peers BIGINT := 0;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM review_assignment_tally(OLD, -1);
        IF OLD.kind = 'peer' AND OLD.state <> 'declined' THEN peers := peers - 1; END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM review_assignment_tally(NEW, 1);
        IF NEW.kind = 'peer' AND NEW.state <> 'declined' THEN peers := peers + 1; END IF;
    END IF;
    IF peers <> 0 THEN
        UPDATE review_participants SET peer_reviewers = peer_reviewers + peers
        WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.participant_id ELSE NEW.participant_id END;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER review_assignments_tally_insert_delete AFTER INSERT OR DELETE ON review_assignments
    FOR EACH ROW EXECUTE FUNCTION review_assignments_tally();
CREATE TRIGGER review_assignments_tally_update AFTER UPDATE OF state ON review_assignments
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION review_assignments_tally();
