"""Schemathesis hooks for tools/chaos/schemathesis (loaded through SCHEMATHESIS_HOOKS).

- A serializer for the NDJSON media types (POST /v1/logs, POST /v1/events).
- `after` kept within the journal the seed wrote.
- Registered locations' ids made of their account's id.

Each fits generated data to rules a JSON schema cannot state (the journal's state, one
field depending on another); none changes whether a request fits the schema.
"""

import json
import os
import re

import schemathesis

NDJSON_TYPES = ("application/x-ndjson", "application/ndjson", "application/jsonl")


# docs/openapi.yaml describes an NDJSON body as a string holding the lines; schemathesis has
# no serializer for those media types and could not send a single request to POST
# /v1/events. A string goes on the wire as its UTF-8 bytes; anything else (negative tests
# generate objects, arrays, numbers) as one JSON line.
@schemathesis.serializer(*NDJSON_TYPES)
def ndjson(ctx, value):
    if value is None:
        return None
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    return (json.dumps(value) + "\n").encode("utf-8")


# `after=N` waits for event N and is 422 when N is past the journal's head (documented);
# the schema can only say "digits", so a schema-valid number past the head the seed left
# is brought back into the journal (after=N mod (head+1)). Anything else is sent as made.
SEED_HEAD = int(os.environ.get("JUNCTION_HEAD", "0") or 0)


@schemathesis.hook
def before_call(context, case, kwargs):
    query = case.query
    if SEED_HEAD and isinstance(query, dict):
        after = query.get("after")
        if isinstance(after, str) and after.isascii() and after.isdigit() and int(after) > SEED_HEAD:
            query["after"] = str(int(after) % (SEED_HEAD + 1))


# A location id is its account's id, a dash and a number (422 otherwise): a generated
# location id that fits the schema's pattern gets the generated account id in front of
# its number, so that registrations can succeed and connect has new places to use.
ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
LOCATION_ID = re.compile(r"[A-Za-z0-9_-]{1,62}-([0-9]{1,62})")


@schemathesis.hook("map_body").apply_to(operation_id="registerLocation")
def location_of_account(context, body):
    if isinstance(body, dict):
        account, location = body.get("account_id"), body.get("location_id")
        if isinstance(account, str) and isinstance(location, str) and ID.fullmatch(account):
            match = LOCATION_ID.fullmatch(location)
            if match and len(account) + 1 + len(match.group(1)) <= 64:
                body["location_id"] = f"{account}-{match.group(1)}"
    return body
