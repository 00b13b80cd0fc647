"""What keepgoing knows: people, conversations, follow-ups and check-in rhythms.

Every function takes a `Store` and the current time as parameters and returns
plain objects; nothing here knows about the command line.
"""
