//! Notifications: what Keel asks of a person (a review to write, peers to nominate, results to
//! read), as the words they read and the page it links to.

use crate::people::PersonId;

/// A notification to write: to whom, its title and line of text, and where it leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub person: PersonId,
    pub title: String,
    pub body: String,
    pub link: String,
}
