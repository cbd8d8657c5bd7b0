//! The development mailer: nothing leaves the machine. Each mail is logged (at `info`, so the
//! one-time code can be read off the console) and the most recent ones are kept for the
//! development mailbox endpoint.

use async_trait::async_trait;
use botwot_engine::ports::{MailError, Mailer, OutgoingMail};
use parking_lot::Mutex;
use std::collections::VecDeque;

/// Mails kept; older ones are dropped.
const KEPT: usize = 200;

#[derive(Default)]
pub struct DevMailbox {
    sent: Mutex<VecDeque<OutgoingMail>>,
}

impl DevMailbox {
    pub fn new() -> Self {
        Self::default()
    }

    /// The mails sent to `to`, newest first.
    pub fn sent_to(&self, to: &str) -> Vec<OutgoingMail> {
        let sent = self.sent.lock();
        sent.iter()
            .rev()
            .filter(|mail| mail.to == to)
            .cloned()
            .collect()
    }
}

#[async_trait]
impl Mailer for DevMailbox {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        tracing::info!(to = %mail.to, subject = %mail.subject, text = %mail.text, "development mail (not sent)");
        let mut sent = self.sent.lock();
        if sent.len() == KEPT {
            sent.pop_front();
        }
        sent.push_back(mail.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(to: &str, text: &str) -> OutgoingMail {
        OutgoingMail {
            to: to.to_owned(),
            subject: "code".to_owned(),
            text: text.to_owned(),
        }
    }

    #[tokio::test]
    async fn keeps_the_latest_mails_per_recipient_newest_first() {
        let mailbox = DevMailbox::new();
        mailbox.send(&mail("a@x.test", "1")).await.unwrap();
        mailbox.send(&mail("b@x.test", "2")).await.unwrap();
        mailbox.send(&mail("a@x.test", "3")).await.unwrap();
        let texts: Vec<String> = mailbox
            .sent_to("a@x.test")
            .into_iter()
            .map(|m| m.text)
            .collect();
        assert_eq!(texts, ["3", "1"]);
        for n in 0..KEPT {
            mailbox
                .send(&mail("c@x.test", &n.to_string()))
                .await
                .unwrap();
        }
        assert!(mailbox.sent_to("a@x.test").is_empty());
        assert_eq!(mailbox.sent_to("c@x.test").len(), KEPT);
    }
}
