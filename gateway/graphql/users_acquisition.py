"""Acquisition for operators: spend, CAC and LTV/CAC per channel, trial programs; members join programs."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.context import Info
from gateway.graphql.pagination import check_first
from gateway.graphql.users_enums import AcquisitionChannel, TrialProgramKind
from gateway.graphql.users_value import COMMUNITY_ARG
from users_service.acquisition.schemas import Enrollment, ProgramCreate, ProgramRead
from users_service.schemas import SpendCreate


@strawberry.type
class ChannelAcquisition:
    channel: AcquisitionChannel
    signups: int
    spend_cents: int
    cac_cents: int | None = strawberry.field(description="Spend per sign-up; null without sign-ups.")
    avg_ltv_cents: int | None = strawberry.field(description="Mean predicted LTV of the channel's sign-ups.")
    ltv_to_cac: float | None = strawberry.field(description="Playbook: above 3.5 is healthy.")


@strawberry.type
class AcquisitionReport:
    start: datetime | None
    end: datetime | None
    signups: int
    spend_cents: int
    cac_cents: int | None
    ltv_to_cac_healthy_above: float
    channels: list[ChannelAcquisition]


@strawberry.type
class AcquisitionSpend:
    id: strawberry.ID
    channel: AcquisitionChannel
    amount_cents: int
    currency: str
    spent_at: datetime


@strawberry.type(description="A trial program and how it did: conversion (camp) or retention (growth plan).")
class TrialProgram:
    id: strawberry.ID
    kind: TrialProgramKind
    name: str
    duration_days: int
    starts_at: datetime
    ends_at: datetime
    enrolled: int
    ended: bool
    converted: int
    conversion_rate: float | None
    target_conversion_rate: float | None = strawberry.field(description="Playbook: the 7-day camp converts 19.3%.")
    retained: int
    retention_rate: float | None = strawberry.field(description="Active after the end; null until it ends.")
    target_retention_rate: float | None = strawberry.field(description="Playbook: the 21-day plan retains 41%.")

    @staticmethod
    def from_read(read: ProgramRead) -> TrialProgram:
        return TrialProgram(
            id=strawberry.ID(read.id),
            kind=TrialProgramKind(read.kind.value),
            name=read.name,
            duration_days=read.duration_days,
            starts_at=read.starts_at,
            ends_at=read.ends_at,
            enrolled=read.enrolled,
            ended=read.ended,
            converted=read.converted,
            conversion_rate=read.conversion_rate,
            target_conversion_rate=read.target_conversion_rate,
            retained=read.retained,
            retention_rate=read.retention_rate,
            target_retention_rate=read.target_retention_rate,
        )


@strawberry.input
class RecordAcquisitionSpendInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    channel: AcquisitionChannel
    amount_cents: int
    currency: str
    spent_at: datetime
    note: str | None = None


@strawberry.input
class CreateTrialProgramInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    kind: TrialProgramKind
    name: str
    starts_at: datetime


@strawberry.input
class JoinTrialProgramInput:
    program_id: strawberry.ID


@strawberry.type
class AcquisitionQuery:
    @strawberry.field(description="Operators: sign-ups, spend, CAC and LTV/CAC per channel in [start, end).")
    async def acquisition_report(
        self,
        info: Info,
        start: datetime | None = None,
        end: datetime | None = None,
        community_id: strawberry.ID | None = None,
    ) -> AcquisitionReport:
        cid = await info.context.operator_community(community_id)
        read = await info.context.services.users.acquisition_report(cid, start, end)
        return AcquisitionReport(
            start=read.start,
            end=read.end,
            signups=read.signups,
            spend_cents=read.spend_cents,
            cac_cents=read.cac_cents,
            ltv_to_cac_healthy_above=read.ltv_to_cac_healthy_above,
            channels=[
                ChannelAcquisition(
                    channel=AcquisitionChannel(c.channel.value),
                    signups=c.signups,
                    spend_cents=c.spend_cents,
                    cac_cents=c.cac_cents,
                    avg_ltv_cents=c.avg_ltv_cents,
                    ltv_to_cac=c.ltv_to_cac,
                )
                for c in read.channels
            ],
        )

    @strawberry.field(description="Operators: trial programs, newest first, each measured.")
    async def trial_programs(
        self, info: Info, first: int = 20, community_id: strawberry.ID | None = None
    ) -> list[TrialProgram]:
        cid = await info.context.operator_community(community_id)
        programs = await info.context.services.users.list_trial_programs(cid, limit=check_first(first))
        return [TrialProgram.from_read(p) for p in programs]


@strawberry.type
class AcquisitionMutation:
    @strawberry.mutation(description="Operators: record money spent on a channel (integer minor units).")
    async def record_acquisition_spend(self, info: Info, input: RecordAcquisitionSpendInput) -> AcquisitionSpend:
        cid = await info.context.operator_community(input.community_id)
        spend_in = SpendCreate(
            channel=input.channel.value,
            amount_cents=input.amount_cents,
            currency=input.currency,
            spent_at=input.spent_at,
            note=input.note,
        )
        read = await info.context.services.users.record_spend(cid, spend_in)
        return AcquisitionSpend(
            id=strawberry.ID(read.id),
            channel=AcquisitionChannel(read.channel.value),
            amount_cents=read.amount_cents,
            currency=read.currency,
            spent_at=read.spent_at,
        )

    @strawberry.mutation(description="Operators: start a 7-day experience camp or a 21-day growth plan.")
    async def create_trial_program(self, info: Info, input: CreateTrialProgramInput) -> TrialProgram:
        cid = await info.context.operator_community(input.community_id)
        program_in = ProgramCreate(kind=input.kind.value, name=input.name, starts_at=input.starts_at)
        return TrialProgram.from_read(await info.context.services.users.create_trial_program(cid, program_in))

    @strawberry.mutation(description="Members: join a trial program of their community.")
    async def join_trial_program(self, info: Info, input: JoinTrialProgramInput) -> TrialProgram:
        member = await info.context.require_member()
        read = await info.context.services.users.enroll_in_trial_program(
            member.community_id, str(input.program_id), Enrollment(member_id=member.id)
        )
        return TrialProgram.from_read(read)
