//! Notifications: what Keel asks of a person (a review to write, peers to nominate, results to
//! read), as the words they read and the page it leads to. Every notification is built here, so
//! its wording is written and tested once; the store writes what these return.

use crate::people::PersonId;
use crate::reviews::{Cycle, ParticipantId};

/// A notification to write: to whom, its title and line of text, and where it leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub person: PersonId,
    pub title: String,
    pub body: String,
    pub link: String,
}

/// "1 review", "3 reviews".
fn reviews(count: i64) -> String {
    format!("{count} review{}", if count == 1 { "" } else { "s" })
}

/// Peer nomination opened: the reviewee chooses colleagues.
pub fn nominate_peers(person: PersonId, participant: ParticipantId, cycle: &Cycle) -> Note {
    Note {
        person,
        title: format!("Choose your peer reviewers for {}", cycle.name),
        body: format!(
            "Nominate {} to {} colleagues who know your work{}.",
            cycle.peer_min,
            cycle.peer_max,
            cycle
                .nomination_due
                .as_deref()
                .map(|d| format!(" by {d}"))
                .unwrap_or_default()
        ),
        link: format!("/reviews/nominate/{participant}"),
    }
}

/// Writing opened: a reviewer has `count` reviews to write.
pub fn reviews_to_write(person: PersonId, count: i64, cycle: &Cycle) -> Note {
    Note {
        person,
        title: format!("{} to write for {}", reviews(count), cycle.name),
        body: format!("Reviews are due by {}.", cycle.writing_due),
        link: "/reviews".into(),
    }
}

/// HR's reminder to a reviewer with reviews still to write.
pub fn writing_reminder(person: PersonId, count: i64, cycle: &Cycle) -> Note {
    Note {
        person,
        title: format!("Reminder: {} still to write", reviews(count)),
        body: format!("{} reviews were due by {}.", cycle.name, cycle.writing_due),
        link: "/reviews".into(),
    }
}

/// A reviewee's results were released to them.
pub fn review_released(person: PersonId, participant: ParticipantId, cycle: &Cycle) -> Note {
    Note {
        person,
        title: format!("Your review from {} is ready", cycle.name),
        body: "Read it, add a comment if you like, and acknowledge it.".into(),
        link: format!("/reviews/results/{participant}"),
    }
}

/// To the manager: a report nominated their peer reviewers.
pub fn peers_nominated(
    manager: PersonId,
    participant: ParticipantId,
    reviewee_name: &str,
    cycle: &Cycle,
) -> Note {
    Note {
        person: manager,
        title: format!("{reviewee_name} nominated peer reviewers"),
        body: format!("Approve or change them for {}.", cycle.name),
        link: format!("/reviews/nominate/{participant}"),
    }
}

/// To the manager: a report acknowledged their review.
pub fn review_acknowledged(
    manager: PersonId,
    participant: ParticipantId,
    reviewee_name: &str,
) -> Note {
    Note {
        person: manager,
        title: format!("{reviewee_name} acknowledged their review"),
        body: "Read their comment and sign the review off.".into(),
        link: format!("/reviews/results/{participant}"),
    }
}
