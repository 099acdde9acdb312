"""The built-in drift library: the ordinary noise of a company.

Every scenario gets these jobs unless its ``drift`` section turns the library off or
excludes some. Cadences are for ``light`` (about a dozen events an hour); ``fast`` and
``aggressive`` divide them. Nothing here comes from a vendor's address or posts in a
thread, so replies the agent waits for are never confused with noise, and list prices
change only from ``fast`` up, so a scenario's facts hold under ``light``.
"""

from __future__ import annotations

from vei.drift.jobs import ChatJob, MailJob, PageJob

MINUTE = 60_000

TOPICS = (
    "the Q3 planning doc",
    "the office move",
    "the security training",
    "the new expense policy",
    "the customer offsite",
    "the hiring plan",
    "the quarterly all-hands",
    "the IT asset inventory",
    "the travel booking tool",
    "the benefits enrollment",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
TIMES = ("9:30 am", "10:00 am", "11:15 am", "1:00 pm", "2:30 pm", "3:30 pm", "4:45 pm")

LIBRARY: tuple[MailJob | ChatJob | PageJob, ...] = (
    MailJob(
        kind="mail",
        id="newsletter",
        every_ms=40 * MINUTE,
        offset_ms=5 * MINUTE,
        jitter_ms=10 * MINUTE,
        senders=["newsletter@{domain}", "people-team@{domain}"],
        subjects=[
            "This week at {company}: {topic}",
            "{company} digest: {topic} and {count} other updates",
            "Announcement: all-hands on {day} at {time}",
        ],
        bodies=[
            "Hi all,\n\nA quick round-up: {topic} is on track, and the all-hands moves to "
            "{day} at {time}.\n\nHave a good week,\nThe {company} team",
            "Hello {company},\n\n{count} people joined the {topic} session last week. "
            "Slides are on the intranet.\n\nPeople Team",
        ],
    ),
    ChatJob(
        kind="chat",
        id="announcement",
        every_ms=30 * MINUTE,
        offset_ms=1 * MINUTE,
        jitter_ms=8 * MINUTE,
        channel="#general",
        texts=[
            "Heads up: {topic} review on {day} at {time}.",
            "Cake in the kitchen on floor {n} :cake:",
            "Reminder that {topic} closes on {day}.",
            "The wifi on floor {n} will be down for maintenance at {time}.",
        ],
    ),
    ChatJob(
        kind="chat",
        id="ping",
        every_ms=20 * MINUTE,
        offset_ms=0,
        jitter_ms=20_000,  # someone always says hello in the first seconds of a run
        channel="dm",
        texts=[
            "Hey {me}, got a minute later today?",
            "{me}, are you joining the {topic} sync on {day}?",
            "Quick one: do you know who owns {topic}?",
            "Thanks for the help earlier, {me}!",
        ],
    ),
    ChatJob(
        kind="chat",
        id="approval_request",
        every_ms=45 * MINUTE,
        offset_ms=10 * MINUTE,
        jitter_ms=10 * MINUTE,
        channel="dm",
        texts=[
            "Hi {me}, could you approve my expense report for {amount}? No rush.",
            "{me}, can you sign off on the {amount} invoice for {topic} when you have a sec?",
            "Could you approve my time off on {day}? {colleague} is covering.",
        ],
    ),
    MailJob(
        kind="mail",
        id="reminder",
        every_ms=60 * MINUTE,
        offset_ms=15 * MINUTE,
        jitter_ms=10 * MINUTE,
        senders=["calendar@{domain}"],
        subjects=["Reminder: {topic} on {day} at {time}", "Starting soon: {topic}"],
        bodies=[
            "This is a reminder for {topic} on {day} at {time}.\n\nYou are listed as optional.",
            "{topic} starts at {time}. Join from the calendar invite.",
        ],
    ),
    MailJob(
        kind="mail",
        id="colleague_question",
        every_ms=35 * MINUTE,
        offset_ms=8 * MINUTE,
        jitter_ms=10 * MINUTE,
        subjects=["Quick question about {topic}", "About {topic}", "Question for you"],
        bodies=[
            "Hi {me},\n\nDo you know where {topic} stands? {colleague} asked me and I "
            "wasn't sure.\n\nThanks,\n{sender}",
            "Hi {me},\n\nCould you send me the latest on {topic} before {day}?\n\nBest,\n{sender}",
        ],
    ),
    PageJob(
        kind="page",
        id="vendor_stock",
        every_ms=50 * MINUTE,
        offset_ms=12 * MINUTE,
        jitter_ms=10 * MINUTE,
        stock=(0, 40),
    ),
    PageJob(
        kind="page",
        id="vendor_price",
        every_ms=90 * MINUTE,
        offset_ms=20 * MINUTE,
        jitter_ms=20 * MINUTE,
        modes=["fast", "aggressive"],
        price_percent=8,
    ),
)


def library_ids() -> list[str]:
    """Ids of the built-in jobs."""
    return [job.id for job in LIBRARY]
