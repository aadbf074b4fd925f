-- Review tallies (SQLite). migrations/postgres/0004_review_tallies.sql does the same.
-- HR's cycle page and calibration read these counts instead of counting a cycle's participants
-- and assignments on every request (100,000 reviewees have some 550,000 assignments). Triggers
-- on review_participants and review_assignments keep them current in the same transaction as
-- every write, bulk ones (launch, seed) included, so no write path can forget them.

-- Peer reviewers of a reviewee that are not declined (nominated, approved, writing or done).
ALTER TABLE review_participants ADD COLUMN peer_reviewers INTEGER NOT NULL DEFAULT 0;

-- Assignments per cycle, top-level department and reviewer type, by state.
CREATE TABLE review_kind_tallies (
    cycle_id INTEGER NOT NULL,
    top_department_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    nominated INTEGER NOT NULL DEFAULT 0,
    declined INTEGER NOT NULL DEFAULT 0,
    pending INTEGER NOT NULL DEFAULT 0,
    draft INTEGER NOT NULL DEFAULT 0,
    submitted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (cycle_id, top_department_id, kind)
) WITHOUT ROWID;

-- Reviewees per cycle, top-level department and effective rating (the calibrated one, else
-- the manager's proposal rounded half up; 0 while there is none), with their outcomes.
CREATE TABLE review_division_tallies (
    cycle_id INTEGER NOT NULL,
    top_department_id INTEGER NOT NULL,
    rating INTEGER NOT NULL,
    participants INTEGER NOT NULL DEFAULT 0,
    with_peers INTEGER NOT NULL DEFAULT 0,
    released INTEGER NOT NULL DEFAULT 0,
    acknowledged INTEGER NOT NULL DEFAULT 0,
    signed_off INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (cycle_id, top_department_id, rating)
) WITHOUT ROWID;

-- Reviewees per cycle, top-level department, manager at launch (0: none) and effective rating.
CREATE TABLE review_manager_tallies (
    cycle_id INTEGER NOT NULL,
    top_department_id INTEGER NOT NULL,
    manager_id INTEGER NOT NULL,
    rating INTEGER NOT NULL,
    reviewees INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (cycle_id, top_department_id, manager_id, rating)
) WITHOUT ROWID;
CREATE INDEX review_manager_tallies_manager ON review_manager_tallies(cycle_id, manager_id);

-- What is already there.
UPDATE review_participants SET peer_reviewers = (
    SELECT COUNT(*) FROM review_assignments a
    WHERE a.participant_id = review_participants.id AND a.kind = 'peer' AND a.state <> 'declined');

INSERT INTO review_kind_tallies
SELECT a.cycle_id, p.top_department_id, a.kind,
    SUM(a.state = 'nominated'), SUM(a.state = 'declined'), SUM(a.state = 'pending'),
    SUM(a.state = 'draft'), SUM(a.state = 'submitted')
FROM review_assignments a JOIN review_participants p ON p.id = a.participant_id
GROUP BY a.cycle_id, p.top_department_id, a.kind;

INSERT INTO review_division_tallies
SELECT cycle_id, top_department_id,
    COALESCE(final_rating, (CAST(ROUND(proposed_rating * 100) AS INTEGER) + 50) / 100, 0) AS rating,
    COUNT(*), SUM(peer_reviewers > 0), COUNT(released_at), COUNT(acknowledged_at), COUNT(signed_off_at)
FROM review_participants GROUP BY cycle_id, top_department_id, rating;

INSERT INTO review_manager_tallies
SELECT cycle_id, top_department_id, COALESCE(manager_id, 0) AS manager,
    COALESCE(final_rating, (CAST(ROUND(proposed_rating * 100) AS INTEGER) + 50) / 100, 0) AS rating,
    COUNT(*)
FROM review_participants GROUP BY cycle_id, top_department_id, manager, rating;

-- Reviewees.
CREATE TRIGGER review_participants_tally_insert AFTER INSERT ON review_participants BEGIN
    INSERT INTO review_division_tallies
        (cycle_id, top_department_id, rating, participants, with_peers, released, acknowledged, signed_off)
    VALUES (NEW.cycle_id, NEW.top_department_id,
        COALESCE(NEW.final_rating, (CAST(ROUND(NEW.proposed_rating * 100) AS INTEGER) + 50) / 100, 0),
        1, NEW.peer_reviewers > 0, NEW.released_at IS NOT NULL, NEW.acknowledged_at IS NOT NULL,
        NEW.signed_off_at IS NOT NULL)
    ON CONFLICT (cycle_id, top_department_id, rating) DO UPDATE SET
        participants = participants + excluded.participants,
        with_peers = with_peers + excluded.with_peers,
        released = released + excluded.released,
        acknowledged = acknowledged + excluded.acknowledged,
        signed_off = signed_off + excluded.signed_off;
    INSERT INTO review_manager_tallies (cycle_id, top_department_id, manager_id, rating, reviewees)
    VALUES (NEW.cycle_id, NEW.top_department_id, COALESCE(NEW.manager_id, 0),
        COALESCE(NEW.final_rating, (CAST(ROUND(NEW.proposed_rating * 100) AS INTEGER) + 50) / 100, 0), 1)
    ON CONFLICT (cycle_id, top_department_id, manager_id, rating) DO UPDATE SET
        reviewees = reviewees + 1;
END;

-- A change takes the old row out of its tallies and puts the new one in.
CREATE TRIGGER review_participants_tally_update
AFTER UPDATE OF proposed_rating, final_rating, released_at, acknowledged_at, signed_off_at, peer_reviewers
ON review_participants BEGIN
    UPDATE review_division_tallies SET
        participants = participants - 1,
        with_peers = with_peers - (OLD.peer_reviewers > 0),
        released = released - (OLD.released_at IS NOT NULL),
        acknowledged = acknowledged - (OLD.acknowledged_at IS NOT NULL),
        signed_off = signed_off - (OLD.signed_off_at IS NOT NULL)
    WHERE cycle_id = OLD.cycle_id AND top_department_id = OLD.top_department_id
        AND rating = COALESCE(OLD.final_rating, (CAST(ROUND(OLD.proposed_rating * 100) AS INTEGER) + 50) / 100, 0);
    INSERT INTO review_division_tallies
        (cycle_id, top_department_id, rating, participants, with_peers, released, acknowledged, signed_off)
    VALUES (NEW.cycle_id, NEW.top_department_id,
        COALESCE(NEW.final_rating, (CAST(ROUND(NEW.proposed_rating * 100) AS INTEGER) + 50) / 100, 0),
        1, NEW.peer_reviewers > 0, NEW.released_at IS NOT NULL, NEW.acknowledged_at IS NOT NULL,
        NEW.signed_off_at IS NOT NULL)
    ON CONFLICT (cycle_id, top_department_id, rating) DO UPDATE SET
        participants = participants + excluded.participants,
        with_peers = with_peers + excluded.with_peers,
        released = released + excluded.released,
        acknowledged = acknowledged + excluded.acknowledged,
        signed_off = signed_off + excluded.signed_off;
    UPDATE review_manager_tallies SET reviewees = reviewees - 1
    WHERE cycle_id = OLD.cycle_id AND top_department_id = OLD.top_department_id
        AND manager_id = COALESCE(OLD.manager_id, 0)
        AND rating = COALESCE(OLD.final_rating, (CAST(ROUND(OLD.proposed_rating * 100) AS INTEGER) + 50) / 100, 0);
    INSERT INTO review_manager_tallies (cycle_id, top_department_id, manager_id, rating, reviewees)
    VALUES (NEW.cycle_id, NEW.top_department_id, COALESCE(NEW.manager_id, 0),
        COALESCE(NEW.final_rating, (CAST(ROUND(NEW.proposed_rating * 100) AS INTEGER) + 50) / 100, 0), 1)
    ON CONFLICT (cycle_id, top_department_id, manager_id, rating) DO UPDATE SET
        reviewees = reviewees + 1;
END;

-- Assignments (and, for peers, the reviewee's count of peer reviewers).
CREATE TRIGGER review_assignments_tally_insert AFTER INSERT ON review_assignments BEGIN
    INSERT INTO review_kind_tallies
        (cycle_id, top_department_id, kind, nominated, declined, pending, draft, submitted)
    SELECT NEW.cycle_id, p.top_department_id, NEW.kind, NEW.state = 'nominated',
        NEW.state = 'declined', NEW.state = 'pending', NEW.state = 'draft', NEW.state = 'submitted'
    FROM review_participants p WHERE p.id = NEW.participant_id
    ON CONFLICT (cycle_id, top_department_id, kind) DO UPDATE SET
        nominated = nominated + excluded.nominated,
        declined = declined + excluded.declined,
        pending = pending + excluded.pending,
        draft = draft + excluded.draft,
        submitted = submitted + excluded.submitted;
    UPDATE review_participants SET peer_reviewers = peer_reviewers + 1
    WHERE id = NEW.participant_id AND NEW.kind = 'peer' AND NEW.state <> 'declined';
END;

CREATE TRIGGER review_assignments_tally_update AFTER UPDATE OF state ON review_assignments
WHEN OLD.state <> NEW.state BEGIN
    UPDATE review_kind_tallies SET
        nominated = nominated - (OLD.state = 'nominated') + (NEW.state = 'nominated'),
        declined = declined - (OLD.state = 'declined') + (NEW.state = 'declined'),
        pending = pending - (OLD.state = 'pending') + (NEW.state = 'pending'),
        draft = draft - (OLD.state = 'draft') + (NEW.state = 'draft'),
        submitted = submitted - (OLD.state = 'submitted') + (NEW.state = 'submitted')
    WHERE cycle_id = NEW.cycle_id AND kind = NEW.kind AND top_department_id =
        (SELECT top_department_id FROM review_participants WHERE id = NEW.participant_id);
    UPDATE review_participants
    SET peer_reviewers = peer_reviewers + (NEW.state <> 'declined') - (OLD.state <> 'declined')
    WHERE id = NEW.participant_id AND NEW.kind = 'peer'
        AND (OLD.state = 'declined') <> (NEW.state = 'declined');
END;

CREATE TRIGGER review_assignments_tally_delete AFTER DELETE ON review_assignments BEGIN
    UPDATE review_kind_tallies SET
        nominated = nominated - (OLD.state = 'nominated'),
        declined = declined - (OLD.state = 'declined'),
        pending = pending - (OLD.state = 'pending'),
        draft = draft - (OLD.state = 'draft'),
        submitted = submitted - (OLD.state = 'submitted')
    WHERE cycle_id = OLD.cycle_id AND kind = OLD.kind AND top_department_id =
        (SELECT top_department_id FROM review_participants WHERE id = OLD.participant_id);
    UPDATE review_participants SET peer_reviewers = peer_reviewers - 1
    WHERE id = OLD.participant_id AND OLD.kind = 'peer' AND OLD.state <> 'declined';
END;
