//! `/campaigns/:campaign_id[/sessions/:session_id | /channels/:channel_id]`: the channel sidebar, the selected
//! session room's or table channel's timeline and the composer. The live feed lives at page level, so refreshing the sidebar never drops the connection.

use crate::api::campaigns::get_campaign;
use crate::components::actions::PageActions;
use crate::components::channels::{DirectList, TableChannelList};
use crate::components::composer::Composer;
use crate::components::connection::ConnectionBadge;
use crate::components::gm_tools::{GmPanel, SessionControls};
use crate::components::problem::ProblemNotice;
use crate::components::replies::{PinnedPanel, PinsButton};
use crate::components::sidebar::{status_words, PeoplePanel, SessionList};
use crate::components::speak_as::Choice;
use crate::components::timeline::Timeline;
use crate::components::typing::TypingLine;
use crate::domain::campaign::{Role, SessionStatus};
use crate::domain::ids::ChannelId;
use crate::domain::ids::{CampaignId, UserId};
use crate::domain::policy::{Lane, TableFacts};
use crate::domain::views::{CampaignView, ChannelSummary, SessionSummary};
use crate::domain::ErrorCode;
use crate::domain::Problem;
use crate::feed::ChatFeed;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_params_map};

/// The campaign page.
#[component]
pub fn CampaignPage() -> impl IntoView {
    let params = use_params_map();
    let campaign_id = move || CampaignId(params.read().get("campaign_id").unwrap_or_default());
    let session_param = Memo::new(move |_| params.read().get("session_id"));
    let channel_param = Memo::new(move |_| params.read().get("channel_id"));
    let lane = RwSignal::new(Lane::InGame);
    let refresh = RwSignal::new(0u32);
    let on_change = Callback::new(move |()| refresh.update(|n| *n += 1));
    let actions = PageActions::new(on_change);
    let feed = ChatFeed::new();
    let campaign = Resource::new(
        move || (campaign_id(), refresh.get(), feed.table_version.get()),
        |(id, _, _)| get_campaign(id),
    );
    let choice = Choice::new();
    // Filled on the client only (effects do not run on the server), so the server-rendered composer and the
    // first hydrated render agree; the selectors fill in a moment later.
    let facts = RwSignal::new(None::<TableFacts>);
    let viewer = RwSignal::new(None::<UserId>);

    // Follow the selected session's channel; a room status change (seen live) refreshes the sidebar.
    Effect::new(move |_| {
        if let Some(Ok(view)) = campaign.get() {
            let shown = shown(&view, session_param.get().as_deref(), channel_param.get().as_deref());
            lane.set(match shown {
                Some(Shown::Table(_) | Shown::Direct(_)) => Lane::OffGame,
                _ => Lane::InGame,
            });
            feed.select(shown.map(|s| s.channel_id()));
            // GMs keep deleted text and earlier versions when changes arrive live, as their pages do.
            feed.reader.set(match view.role {
                Role::Gm => crate::domain::change::Reader::Gm,
                _ => crate::domain::change::Reader::Member,
            });
            viewer.set(Some(view.viewer_id.clone()));
            facts.set(Some(view.facts));
        }
    });
    Effect::new(move |previous: Option<Option<SessionStatus>>| {
        let status = feed.room.get().map(|room| room.status);
        if matches!(previous, Some(Some(old)) if Some(old) != status) {
            refresh.update(|n| *n += 1);
        }
        status
    });

    let location = use_location();
    view! {
        <div class="flex h-[calc(100dvh-2.75rem)] flex-col md:flex-row">
            <aside class="max-h-56 shrink-0 overflow-y-auto border-b border-slate-800 p-3 md:max-h-none md:w-72 md:border-b-0 md:border-r">
                <Transition fallback=|| view! { <p class="text-slate-400">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        // Read before awaiting, so moving between channels of the same route re-renders.
                        let (session, channel) = (session_param.get(), channel_param.get());
                        match campaign.await {
                            Ok(view) => {
                                let selected = shown(&view, session.as_deref(), channel.as_deref()).map(|s| s.id());
                                view! { <Sidebar campaign=view selected on_change actions /> }.into_any()
                            }
                            Err(problem) if problem.code == ErrorCode::NotAuthenticated => view! {
                                <Redirect path=format!("/login?next={}", location.pathname.get_untracked()) />
                            }.into_any(),
                            Err(problem) => view! { <ProblemNotice problem=Some(Problem::from(problem)) testid="campaign-error" /> }.into_any(),
                        }
                    })}
                </Transition>
            </aside>
            <section class="flex min-h-0 flex-1 flex-col">
                <header class="flex items-center justify-between gap-2 border-b border-slate-800 px-3 py-2">
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let (session, channel) = (session_param.get(), channel_param.get());
                            let view = campaign.await.ok()?;
                            let shown = shown(&view, session.as_deref(), channel.as_deref())?;
                            let exports = view! { <ExportLinks channel_id=shown.channel_id() /> };
                            let session = match shown {
                                Shown::Session(session) => session,
                                Shown::Table(channel) => return Some(view! {
                                    <div class="min-w-0">
                                        <h1 data-testid="channel-title" class="truncate font-semibold">"# "{channel.name}</h1>
                                        <p data-testid="channel-lane" class="text-xs text-slate-400">"Off-game: characters and NPCs speak only in session rooms"</p>
                                    </div>
                                    {exports}
                                }.into_any()),
                                Shown::Direct(channel) => return Some(view! {
                                    <div class="min-w-0">
                                        <h1 data-testid="channel-title" class="truncate font-semibold">"@ "{channel.name}</h1>
                                        <p data-testid="channel-lane" class="text-xs text-slate-400">"Direct message: only the people in it can read it, GMs included"</p>
                                    </div>
                                    {exports}
                                }.into_any()),
                            };
                            let controls = (view.role == Role::Gm).then(|| view! {
                                <SessionControls session_id=session.id.clone() status=session.status actions />
                            });
                            Some(view! {
                                <div class="min-w-0">
                                    <h1 data-testid="channel-title" class="truncate font-semibold">"# "{session.title}</h1>
                                    <p data-testid="session-status" data-status=session.status.as_str()
                                        class="text-xs text-slate-400">{status_words(session.status)}</p>
                                </div>
                                {controls}
                                {exports}
                            }.into_any())
                        })}
                    </Transition>
                    <PinsButton feed />
                    <ConnectionBadge feed />
                </header>
                <Show when=move || feed.channel.get().is_some()
                    fallback=|| view! { <p class="p-6 text-slate-400">"No session yet. A GM can create one in the sidebar."</p> }>
                    <PinnedPanel feed />
                    <Timeline feed facts viewer />
                    <TypingLine feed />
                    <Composer feed choice facts viewer lane />
                </Show>
            </section>
        </div>
    }
    .into_any()
}

#[component]
fn Sidebar(
    campaign: CampaignView,
    selected: Option<String>,
    on_change: Callback<()>,
    actions: PageActions,
) -> impl IntoView {
    let gm_panel = (campaign.role == Role::Gm).then(|| {
        view! { <GmPanel campaign_id=campaign.id.clone() gm_sees_whispers=campaign.facts.gm_sees_whispers message_rules=campaign.facts.message_rules on_change actions /> }
    });
    view! {
        <h1 data-testid="campaign-title" class="mb-2 text-lg font-semibold">{campaign.name.clone()}</h1>
        <TableChannelList campaign=campaign.clone() selected=selected.clone() />
        <SessionList campaign=campaign.clone() selected=selected.clone() />
        <DirectList campaign=campaign.clone() selected />
        {gm_panel}
        <PeoplePanel campaign on_change actions />
    }
}

/// Download links for the shown channel's log as the viewer may see it.
#[component]
fn ExportLinks(channel_id: ChannelId) -> impl IntoView {
    let link = move |format: &'static str, label: &'static str| {
        view! {
            <a data-testid=format!("export-{format}") class="hover:text-slate-200" download
                href=format!("/api/channels/{channel_id}/export?format={format}")>{label}</a>
        }
    };
    view! {
        <nav aria-label="Export this channel" class="ml-auto flex gap-2 text-xs text-slate-400">
            <span>"Export:"</span>
            {link("markdown", "Markdown")}
            {link("html", "HTML")}
            {link("json", "JSON")}
        </nav>
    }
}

/// What the page shows: a session room (in-game), a table channel or a direct message (off-game).
#[derive(Debug, Clone)]
enum Shown {
    Session(SessionSummary),
    Table(ChannelSummary),
    Direct(ChannelSummary),
}

impl Shown {
    fn channel_id(&self) -> ChannelId {
        match self {
            Self::Session(session) => session.channel_id.clone(),
            Self::Table(channel) | Self::Direct(channel) => channel.id.clone(),
        }
    }

    /// The id the sidebar highlights: the session's or the channel's.
    fn id(&self) -> String {
        match self {
            Self::Session(session) => session.id.to_string(),
            Self::Table(channel) | Self::Direct(channel) => channel.id.to_string(),
        }
    }
}

/// The table channel or DM named in the URL; else the session named, played or newest; else `#general`.
fn shown(view: &CampaignView, session: Option<&str>, channel: Option<&str>) -> Option<Shown> {
    let find = |list: &[ChannelSummary], id: &str| list.iter().find(|c| c.id.as_str() == id).cloned();
    let table = channel.and_then(|id| find(&view.table_channels, id)).map(Shown::Table);
    let direct = || {
        channel
            .and_then(|id| find(&view.direct_channels, id))
            .map(Shown::Direct)
    };
    table
        .or_else(direct)
        .or_else(|| selected_session(view, session).map(Shown::Session))
        .or_else(|| view.table_channels.first().cloned().map(Shown::Table))
}

/// The session named in the URL, else the one being played, else the newest.
fn selected_session(view: &CampaignView, requested: Option<&str>) -> Option<SessionSummary> {
    let by_id = requested.and_then(|id| view.sessions.iter().find(|s| s.id.as_str() == id));
    by_id
        .or_else(|| view.sessions.iter().find(|s| s.status == SessionStatus::Active))
        .or_else(|| view.sessions.first())
        .cloned()
}
