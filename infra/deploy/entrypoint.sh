#!/bin/sh
# The image's one entry: ROLE (build argument, or the environment at run time) picks the process; the container's
# arguments are passed on (e.g. ROLE=slots with `run --community SLUG --slot MORNING --partition 0/4`).
set -eu
case "${ROLE:-gateway}" in
    gateway) module=gateway ;;
    users | content | distribution | billing) module="${ROLE}_service" ;;
    worker) module=composition.worker ;;
    migrate) module=composition.migrate ;;
    slots) module=distribution_service.slots ;;
    billing-cycle) module=billing_service.scheduler ;;
    ranking) module=distribution_service.ranking ;;
    *)
        echo "unknown ROLE=${ROLE}: gateway, users, content, distribution, billing, worker, migrate, slots," \
            "billing-cycle or ranking" >&2
        exit 64
        ;;
esac
exec python -m "$module" "$@"
