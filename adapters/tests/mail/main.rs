//! The SMTP mailer against a local server speaking the SMTP dialogue of RFC 5321 (greeting,
//! EHLO, AUTH PLAIN, MAIL FROM, RCPT TO, DATA, QUIT), recording what it was sent.

use base64::Engine;
use botwot_adapters::mail::{SmtpConfig, SmtpMailer, SmtpSecurity};
use botwot_engine::ports::{Mailer, OutgoingMail};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Default, Debug)]
struct Received {
    commands: Vec<String>,
    data: String,
}

/// Serves SMTP sessions on a loopback port; every session's commands and data are recorded.
async fn smtp_server(reject_rcpt: bool) -> (u16, Arc<Mutex<Received>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    let received = Arc::new(Mutex::new(Received::default()));
    let record = received.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let record = record.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                write
                    .write_all(b"220 test.local ESMTP ready\r\n")
                    .await
                    .ok();
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            write.write_all(b"250 2.0.0 queued\r\n").await.ok();
                        } else {
                            let mut received = record.lock().expect("record");
                            received.data.push_str(&line);
                            received.data.push('\n');
                        }
                        continue;
                    }
                    record.lock().expect("record").commands.push(line.clone());
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") {
                        b"250-test.local\r\n250 AUTH PLAIN LOGIN\r\n"
                    } else if upper.starts_with("AUTH PLAIN") {
                        b"235 2.7.0 authenticated\r\n"
                    } else if upper.starts_with("RCPT") && reject_rcpt {
                        b"550 5.1.1 no such user\r\n"
                    } else if upper.starts_with("DATA") {
                        in_data = true;
                        b"354 end with .\r\n"
                    } else if upper.starts_with("QUIT") {
                        write.write_all(b"221 bye\r\n").await.ok();
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    write.write_all(reply).await.ok();
                }
            });
        }
    });
    (port, received)
}

fn config(port: u16) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        security: SmtpSecurity::None,
        username: Some("botwot".into()),
        password: Some("smtp-password-never-logged".into()),
        from: "BotWot <no-reply@botwot.test>".into(),
        timeout_secs: 5,
    }
}

fn code_mail() -> OutgoingMail {
    OutgoingMail {
        to: "ana@acme.test".into(),
        subject: "Your BotWot sign-up code".into(),
        text: "Your BotWot code is 123456.".into(),
    }
}

#[tokio::test]
async fn a_mail_goes_through_the_smtp_dialogue_with_credentials() {
    let (port, received) = smtp_server(false).await;
    let mailer = SmtpMailer::new(&config(port)).expect("config");
    mailer.send(&code_mail()).await.expect("sent");
    let received = received.lock().expect("record");
    let commands = received.commands.join("\n");
    assert!(
        commands.contains("MAIL FROM:<no-reply@botwot.test>"),
        "{commands}"
    );
    assert!(commands.contains("RCPT TO:<ana@acme.test>"), "{commands}");
    let auth = received
        .commands
        .iter()
        .find(|command| command.starts_with("AUTH PLAIN"))
        .expect("authenticated");
    let plain = base64::engine::general_purpose::STANDARD
        .decode(auth.trim_start_matches("AUTH PLAIN ").trim())
        .expect("base64");
    assert_eq!(plain, b"\0botwot\0smtp-password-never-logged");
    assert!(received.data.contains("Subject: Your BotWot sign-up code"));
    assert!(received.data.contains("Your BotWot code is 123456."));
    assert!(received.data.contains("text/plain"));
}

#[tokio::test]
async fn a_refused_recipient_or_an_unreachable_server_is_an_error() {
    let (port, _) = smtp_server(true).await;
    let mailer = SmtpMailer::new(&config(port)).expect("config");
    let refused = mailer.send(&code_mail()).await.expect_err("refused");
    assert!(refused.to_string().contains("smtp"), "{refused}");

    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let closed = listener.local_addr().expect("address").port();
    drop(listener);
    let mailer = SmtpMailer::new(&config(closed)).expect("config");
    assert!(mailer.send(&code_mail()).await.is_err());
}

#[test]
fn bad_settings_and_secrets() {
    let bad_from = SmtpConfig {
        from: "not an address".into(),
        ..config(25)
    };
    assert!(SmtpMailer::new(&bad_from).is_err());
    let printed = format!("{:?}", config(25));
    assert!(printed.contains("botwot"));
    assert!(!printed.contains("smtp-password-never-logged"));
}
