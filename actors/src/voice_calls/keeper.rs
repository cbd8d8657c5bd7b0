//! The calls' checks: every `sweep_ms` the keeper reads the calls whose check is due (a store
//! query, so checks survive restarts and are found by whichever node runs next) and settles
//! each by asking the provider what its lost webhook would have said. A check that settles
//! nothing is counted; the call's rules decide the next one or give up (`engine::voice`).

use super::{VoiceCalls, VoiceError};
use botwot_engine::voice::{CheckNeed, VoiceCall};
use std::time::Duration;
use tokio::task::JoinHandle;
use tracing::{info, warn};

/// Why an outbound call left `requested` behind is failed rather than placed again.
const PLACEMENT_LOST: &str = "BotWot stopped while placing the call and did not hear back from Twilio; it was not placed again, so no one is called twice";

pub(super) fn spawn(calls: VoiceCalls) -> JoinHandle<()> {
    let every = Duration::from_millis(calls.config.sweep_ms.max(10));
    tokio::spawn(async move {
        loop {
            if let Err(error) = calls.check_due().await {
                warn!(%error, "voice calls: checking due calls failed; trying again later");
            }
            tokio::time::sleep(every).await;
        }
    })
}

impl VoiceCalls {
    /// Checks every call due now; how many it checked.
    pub async fn check_due(&self) -> Result<usize, VoiceError> {
        let batch = self.config.batch.max(1);
        let mut checked = 0;
        loop {
            let due = self
                .deps
                .store
                .due_calls(self.deps.clock.now(), batch)
                .await?;
            let full = due.len() >= batch;
            for call in &due {
                self.check(call).await?;
                checked += 1;
            }
            if !full {
                return Ok(checked);
            }
        }
    }

    async fn check(&self, seen: &VoiceCall) -> Result<(), VoiceError> {
        let now = self.deps.clock.now();
        if seen.check_at.is_none_or(|due| due > now) {
            return Ok(());
        }
        match seen.check_need() {
            Some(CheckNeed::PlacementLost) => {
                self.change(seen, |call| {
                    call.fail(PLACEMENT_LOST, now);
                    true
                })
                .await?;
            }
            Some(CheckNeed::Status) => self.check_status(seen).await?,
            Some(CheckNeed::Report) => self.check_report(seen).await?,
            None => self.count_check(seen).await?,
        }
        ::metrics::counter!("botwot_voice_call_checks_total").increment(1);
        Ok(())
    }

    async fn check_status(&self, seen: &VoiceCall) -> Result<(), VoiceError> {
        let (Some(call_sid), Some(number)) = (
            seen.call_sid.clone(),
            self.deps.store.find_voice_number(&seen.number_id).await?,
        ) else {
            return self.count_check(seen).await;
        };
        let status = match self.credentials(&number) {
            Ok(credentials) => self
                .deps
                .telephony
                .call_status(&credentials, &call_sid)
                .await
                .map_err(VoiceError::from),
            Err(error) => Err(error),
        };
        let now = self.deps.clock.now();
        self.change(seen, |call| {
            match &status {
                Ok(update) => {
                    call.apply_status(update);
                    if !call.status.is_final() {
                        call.checked(now);
                    }
                }
                Err(error) => {
                    warn!(call = %call.id, %error, "a call's status could not be fetched");
                    call.checked(now);
                }
            }
            true
        })
        .await?;
        info!(call = %seen.id, "a call's status checked at Twilio");
        Ok(())
    }

    async fn check_report(&self, seen: &VoiceCall) -> Result<(), VoiceError> {
        let agent = self
            .deps
            .store
            .get_voice_agent(&seen.tenant, &seen.agent_id)
            .await?;
        let external = agent.and_then(|agent| agent.settings.external_agent_id);
        let (Some(external), Some(call_sid)) = (external, seen.call_sid.clone()) else {
            return self.count_check(seen).await;
        };
        let around = seen.answered_at.unwrap_or(seen.requested_at);
        let found = self.deps.ai.find_report(&external, &call_sid, around).await;
        let now = self.deps.clock.now();
        self.change(seen, |call| {
            match found {
                Ok(Some((conversation_id, report))) => {
                    info!(call = %call.id, "a call's missing report fetched");
                    call.apply_report(conversation_id, report, now);
                }
                Ok(None) => call.checked(now),
                Err(error) => {
                    warn!(call = %call.id, %error, "a call's report could not be looked up");
                    call.checked(now);
                }
            }
            true
        })
        .await?;
        Ok(())
    }

    async fn count_check(&self, seen: &VoiceCall) -> Result<(), VoiceError> {
        let now = self.deps.clock.now();
        self.change(seen, |call| {
            call.checked(now);
            true
        })
        .await?;
        Ok(())
    }
}
