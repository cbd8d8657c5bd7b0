//! The parent of every session actor: logs and counts failures and tells the registry when an
//! actor is gone, so the next message starts a fresh incarnation from stored state.

use crate::registry::LocalRegistry;
use ractor::{Actor, ActorProcessingErr, ActorRef, SupervisionEvent};
use std::sync::Arc;
use tracing::error;

pub(crate) struct SessionSupervisor;

impl Actor for SessionSupervisor {
    type Msg = ();
    type State = Arc<LocalRegistry>;
    type Arguments = Arc<LocalRegistry>;

    async fn pre_start(
        &self,
        _myself: ActorRef<Self::Msg>,
        registry: Arc<LocalRegistry>,
    ) -> Result<Self::State, ActorProcessingErr> {
        Ok(registry)
    }

    async fn handle_supervisor_evt(
        &self,
        _myself: ActorRef<Self::Msg>,
        event: SupervisionEvent,
        registry: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        match event {
            SupervisionEvent::ActorTerminated(actor, _, _) => registry.actor_exited(actor.get_id()),
            SupervisionEvent::ActorFailed(actor, failure) => {
                error!(actor_id = %actor.get_id(), error = %failure, "session actor failed");
                metrics::counter!("botwot_session_actor_failures_total").increment(1);
                registry.actor_exited(actor.get_id());
            }
            SupervisionEvent::ActorStarted(_) | SupervisionEvent::ProcessGroupChanged(_) => {}
        }
        Ok(())
    }
}
