"""Selections shared by the helpdesk models (rating's habit: constants apart)."""

TICKET_PRIORITIES = [
    ("0", "Low"),
    ("1", "Medium"),
    ("2", "High"),
    ("3", "Urgent"),
]

TICKET_CHANNELS = [
    ("phone", "Phone"),
    ("whatsapp", "WhatsApp"),
    ("chat", "Live chat"),
    ("email", "Email"),
    ("web_form", "Web form"),
    ("portal", "Portal"),
    ("walk_in", "Walk-in"),
    ("other", "Other"),
]

# where a lead handed to sales came from: a ticket's channel, or the ad a
# WhatsApp customer clicked (the ad is the lead's source, not the service)
LEAD_SOURCE_CHANNELS = [*TICKET_CHANNELS, ("ad", "Ad referral")]

TEAM_ASSIGNMENT_METHODS = [
    ("manual", "Manual"),
    ("round_robin", "Round robin"),
    ("load", "Least open tickets"),
    ("skills", "Skills and language"),
]

TEAM_TIERS = [
    ("1", "Tier 1: call center / first line"),
    ("2", "Tier 2: customer service / specialists"),
    ("3", "Tier 3: back office"),
]

SLA_TARGET_KINDS = [
    ("first_response", "First response"),
    ("resolution", "Resolution"),
]

SLA_STATUSES = [
    ("running", "Running"),
    ("paused", "Paused"),
    ("at_risk", "At risk"),
    ("met", "Met"),
    ("breached", "Breached"),
    ("unanswered", "Closed Unanswered"),
    ("replaced", "Replaced"),
]

# a ticket shows the worst status of its SLA lines ("replaced" lines, which
# stopped applying before any outcome, do not count)
SLA_STATUS_SEVERITY = {"breached": 6, "at_risk": 5, "running": 4, "paused": 3, "unanswered": 2, "met": 1}

SLA_ESCALATION_TRIGGERS = [
    ("warning", "At warning"),
    ("breach", "At breach"),
]

SLA_ESCALATION_ACTIONS = [
    ("notify", "Notify the team leader and followers"),
    ("raise_priority", "Raise the priority"),
    ("reassign_team", "Reassign to a team"),
    ("reassign_user", "Reassign to a user"),
    ("activity", "Schedule an activity"),
]
