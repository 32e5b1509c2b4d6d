"""Writes of the stored 述职报告: create it from a composed draft, regenerate its data paragraphs, edit a paragraph
(versioned, compare-and-swap on the version the editor saw), restore an earlier version or the generated text,
and change the title, 署名 and 成文日期.

Regeneration (issue 7, Deliver 2: "regenerating the data paragraphs does not overwrite the secretary's text"):
- a heading or generated block the secretary has not edited takes the new text (a new version when it changed);
- an edited one keeps her text; the new generated text is stored beside it and the block is flagged `stale` when
  that text changed, so the page can show "数据已更新" and offer the new wording;
- the secretary's own blocks (problems, next year's plan) are never overwritten: only their prompts are refreshed,
  and one still empty and untouched takes the prefill the records now give;
- keys the composer now produces for the first time are added in the composer's order; keys it no longer produces
  are removed unless edited (then kept, flagged, until she removes them).
Every service checks everything before writing; bad input leaves nothing behind.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from bianban.core.audit import audit, diff, snapshot
from bianban.core.exceptions import Conflict, ValidationFailed
from bianban.party.access import require_branch
from bianban.party.models import Branch
from bianban.reports import inputs
from bianban.reports.duty import selectors
from bianban.reports.duty.draft import Block, BlockOrigin, Draft
from bianban.reports.models import DutyReport, ReportBlock, ReportBlockVersion, VersionOrigin

MAX_TEXT = 5000  # a paragraph of the seed runs to ~700 characters; a whole report to ~4,000
MAX_LEAD = 200
MAX_TITLE = 200
MAX_SIGNATURE = 100
CONFLICT = "已被他人修改，请刷新后重试"
# Characters XML 1.0 (and so a .docx) cannot hold, and PostgreSQL text refuses (NUL): dropped from typed text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_KEEP: Any = object()


def check_year(year: Any, *, today: date | None = None) -> int:
    """The report year as an int, 2000 to next year (a draft for next year is written in its January at the
    latest, and nothing older than the platform's records makes sense)."""
    return inputs.check_year(year, last=(today or timezone.localdate()).year + 1)


def clean_text(value: Any) -> str:
    """Typed text as stored: line breaks normalised, characters a document cannot hold dropped, trailing space off."""
    text = "" if value is None else str(value)
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def _check_paragraph(lead: str, text: str) -> None:
    errors: dict[str, list[str]] = {}
    if len(lead) > MAX_LEAD:
        errors["lead"] = [f"段首标题不能超过{MAX_LEAD}字（当前{len(lead)}字）"]
    if len(text) > MAX_TEXT:
        errors["text"] = [f"段落不能超过{MAX_TEXT}字（当前{len(text)}字），请拆分或精简"]
    if not lead and not text:
        errors["text"] = ["段落内容不能为空"]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)


def _check_version(value: Any) -> int:
    text = str(value).strip() if value is not None and not isinstance(value, bool) else ""
    if not text.isdigit() or not 0 < int(text) < 2**31:
        raise ValidationFailed.on("version", "缺少段落版本号，请刷新后重试")
    return int(text)


def _draft(branch: Branch, year: int, today: date | None, draft: Draft | None) -> Draft:
    draft = draft if draft is not None else selectors.composed_draft(branch, year, today=today)
    if draft.branch_id != branch.pk or draft.year != year:
        raise ValueError(f"draft of branch {draft.branch_id}/{draft.year} given for {branch.pk}/{year}")
    keys = [b.key for b in draft.blocks]
    if len(set(keys)) != len(keys):
        raise ValueError(f"draft has repeated block keys: {keys}")
    return draft


def _generated(block: Block) -> dict[str, Any]:
    """The fields a block takes from the composer, whoever owns its text."""
    return {"section": str(block.section), "level": block.level, "template": block.template,
            "figures": [selectors.figure_json(f) for f in block.figures], "prompts": list(block.prompts),
            "generated_lead": block.lead[:MAX_LEAD], "generated_text": block.text}


def _new_block(report: DutyReport, block: Block, position: int) -> ReportBlock:
    return ReportBlock(report=report, key=block.key, origin=str(block.origin), position=position,
                       lead=block.lead[:MAX_LEAD], text=block.text, **_generated(block))


def _version(block: ReportBlock, origin: str, actor: Any, restored_from: int | None = None) -> ReportBlockVersion:
    return ReportBlockVersion(block=block, number=block.version, lead=block.lead, text=block.text, origin=origin,
                              restored_from=restored_from, author=actor if getattr(actor, "pk", None) else None)


def _locked_report(report: DutyReport) -> DutyReport:
    locked = (DutyReport.objects.select_for_update(of=("self",)).select_related("branch__unit")
              .filter(pk=report.pk).first())
    if locked is None:
        raise Conflict("该述职报告已被删除，请刷新后重试")
    return locked


@transaction.atomic(durable=True)
def duty_report_create(*, actor: Any, branch: Branch, year: Any, today: date | None = None,
                       draft: Draft | None = None) -> DutyReport:
    """Compose the branch's report for the year from the records and store it as an editable draft."""
    year = check_year(year, today=today)
    require_branch(actor, branch)
    # One draft per branch and year: the branch row serialises two secretaries pressing 生成 at once.
    branch = Branch.objects.select_for_update(of=("self",)).select_related("unit").get(pk=branch.pk)
    existing = DutyReport.objects.filter(branch=branch, year=year).first()
    if existing is not None:
        raise Conflict(f"{branch.name}{year}年度的述职报告已经生成", code="exists",
                       details={"report_id": existing.pk})
    draft = _draft(branch, year, today, draft)
    report = DutyReport(branch=branch, year=year, title=draft.title[:MAX_TITLE],
                        signature=draft.signature[:MAX_SIGNATURE], dated=draft.dated,
                        created_by=actor if getattr(actor, "pk", None) else None, generated_at=timezone.now())
    report.full_clean()
    report.save()
    blocks = ReportBlock.objects.bulk_create([_new_block(report, b, i) for i, b in enumerate(draft.blocks)])
    ReportBlockVersion.objects.bulk_create([_version(b, VersionOrigin.GENERATED, actor) for b in blocks])
    audit(actor=actor, action="duty_report.create", target=report, unit_id=branch.unit_id,
          changes={"year": [None, year], "title": [None, report.title], "blocks": [None, len(blocks)]})
    return report


@dataclass
class RegenerateSummary:
    replaced: list[str] = field(default_factory=list)  # unedited blocks whose text changed
    stale: list[str] = field(default_factory=list)  # edited blocks whose generated text changed
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited blocks the composer no longer produces

    @property
    def message(self) -> str:
        parts = [f"更新{len(self.replaced)}段", f"新增{len(self.added)}段", f"删除{len(self.removed)}段"]
        text = "已重新生成数据段落：" + "，".join(parts)
        if self.stale:
            text += f"；{len(self.stale)}段您修改过的内容保持不变，其数据已更新，请核对"
        if self.kept:
            text += f"；{len(self.kept)}段您修改过的内容在最新数据中已无对应段落，已保留"
        return text


def _merge(report: DutyReport, draft: Draft, actor: Any, summary: RegenerateSummary) -> None:
    stored = {b.key: b for b in ReportBlock.objects.select_for_update().filter(report=report).order_by(
        "position", "pk")}
    old_order = list(stored)
    new_keys = {b.key for b in draft.blocks}
    versions: list[ReportBlockVersion] = []
    order: list[ReportBlock] = []
    for block in draft.blocks:
        current = stored.get(block.key)
        if current is None:
            current = _new_block(report, block, 0)
            current.save()
            versions.append(_version(current, VersionOrigin.GENERATED, actor))
            summary.added.append(block.key)
        elif current.origin == BlockOrigin.SECRETARY or block.origin == BlockOrigin.SECRETARY:
            # 书记's own text: never overwritten. Only a block still empty and untouched takes a prefill that the
            # records now give (next year's plan once the 责任清单 for it exists: the composer's prompt says so).
            current.section, current.level, current.prompts = str(block.section), block.level, list(block.prompts)
            if not current.edited and not current.lead and not current.text and (block.lead or block.text):
                current.lead, current.text = block.lead[:MAX_LEAD], block.text
                current.generated_lead, current.generated_text = current.lead, current.text
                current.template = block.template
                current.version += 1
                versions.append(_version(current, VersionOrigin.GENERATED, actor))
                summary.replaced.append(block.key)
            current.save()
        else:
            changed = (block.lead[:MAX_LEAD], block.text) != (current.generated_lead, current.generated_text)
            for name, value in _generated(block).items():
                setattr(current, name, value)
            current.origin, current.vanished = str(block.origin), False
            if not current.edited:
                if (current.lead, current.text) != (current.generated_lead, current.generated_text):
                    current.lead, current.text = current.generated_lead, current.generated_text
                    current.version += 1
                    versions.append(_version(current, VersionOrigin.GENERATED, actor))
                    summary.replaced.append(block.key)
            elif changed:
                current.stale = True
                summary.stale.append(block.key)
            current.save()
        order.append(current)
    # What the composer no longer produces: gone unless the secretary wrote in it. A kept block stays after the
    # block that preceded it before, so it does not jump to the end of the report.
    for index, key in enumerate(old_order):
        if key in new_keys:
            continue
        block = stored[key]
        if not block.edited:
            summary.removed.append(key)
            block.delete()
            continue
        if block.composed:
            block.stale, block.vanished = True, True
        summary.kept.append(key)
        anchor = next((stored[k] for k in reversed(old_order[:index]) if k in new_keys or stored[k] in order), None)
        order.insert(order.index(anchor) + 1 if anchor in order else 0, block)
    for position, block in enumerate(order):
        block.position = position
    ReportBlock.objects.bulk_update(order, ["position", "stale", "vanished"])
    ReportBlockVersion.objects.bulk_create(versions)


@transaction.atomic(durable=True)
def duty_report_regenerate(*, actor: Any, report: DutyReport, today: date | None = None,
                           draft: Draft | None = None) -> RegenerateSummary:
    """Compose the report again from today's records and merge it into the stored draft (module docstring)."""
    report = _locked_report(report)
    require_branch(actor, report.branch)
    draft = _draft(report.branch, report.year, today, draft)
    summary = RegenerateSummary()
    _merge(report, draft, actor, summary)
    report.generated_at = timezone.now()
    report.save(update_fields=["generated_at", "updated_at"])
    audit(actor=actor, action="duty_report.regenerate", target=report, unit_id=report.branch.unit_id,
          changes={name: [None, keys] for name, keys in summary.__dict__.items() if keys})
    return summary


def _locked_block(actor: Any, block: ReportBlock, version: Any) -> tuple[DutyReport, ReportBlock, int]:
    """The block's report and the block, locked in that order (as regeneration locks them), after the permission
    and version checks. Conflict when someone saved the block since the editor loaded `version`."""
    seen = _check_version(version)
    report = _locked_report(block.report)
    require_branch(actor, report.branch)
    current = ReportBlock.objects.select_for_update().filter(pk=block.pk, report=report).first()
    if current is None:
        raise Conflict("该段落已被删除，请刷新后重试")
    if current.version != seen:
        raise Conflict(CONFLICT, details={"version": current.version})
    current.report = report
    return report, current, seen


def _save_text(actor: Any, report: DutyReport, block: ReportBlock, seen: int, lead: str, text: str,
               origin: str, restored_from: int | None = None) -> ReportBlock:
    before = snapshot(block, ["lead", "text", "edited", "stale"])
    block.lead, block.text = lead, text
    # A composed block counts as edited while it differs from what the composer produced; the secretary's own
    # blocks are hers from the first save, and so is a paragraph the records no longer produce.
    block.edited = (not block.composed or block.vanished
                    or (lead, text) != (block.generated_lead, block.generated_text))
    block.stale = False  # she has just written or chosen the text, knowing the latest figures
    block.version = seen + 1
    # Compare-and-swap backs the row lock up: the write only lands on the version the editor saw.
    updated = ReportBlock.objects.filter(pk=block.pk, version=seen).update(
        lead=block.lead, text=block.text, edited=block.edited, stale=block.stale, vanished=block.vanished,
        version=block.version, updated_at=timezone.now())
    if updated != 1:
        raise Conflict(CONFLICT)
    _version(block, origin, actor, restored_from).save()
    DutyReport.objects.filter(pk=report.pk).update(updated_at=timezone.now())
    changes = diff(before, snapshot(block, ["lead", "text", "edited", "stale"]))
    audit(actor=actor, action=f"duty_report.block_{origin}", target=block, unit_id=report.branch.unit_id,
          changes={**changes, "version": [seen, block.version]})
    return block


@transaction.atomic(durable=True)
def block_edit(*, actor: Any, block: ReportBlock, text: Any, version: Any, lead: Any = _KEEP) -> ReportBlock:
    """Save the secretary's wording of a paragraph as a new version. `version` is the one her editor showed."""
    text = clean_text(text)
    new_lead = None if lead is _KEEP else clean_text(lead).replace("\n", "")
    report, block, seen = _locked_block(actor, block, version)
    lead = block.lead if new_lead is None else new_lead
    _check_paragraph(lead, text)
    if (lead, text) == (block.lead, block.text):
        return block  # nothing changed: no version, no audit
    return _save_text(actor, report, block, seen, lead, text, VersionOrigin.EDITED)


@transaction.atomic(durable=True)
def block_restore(*, actor: Any, block: ReportBlock, version: Any, to: Any = None,
                  generated: bool = False) -> ReportBlock:
    """Make an earlier version (`to`) the current text again, or (`generated`) the text the records give now."""
    report, block, seen = _locked_block(actor, block, version)
    if generated:
        if not block.composed:
            raise ValidationFailed.on("to", "书记撰写的段落没有生成内容可恢复")
        if block.vanished:
            raise ValidationFailed.on("to", "最新数据中已无此段，无法恢复为生成内容；如不需要本段，可删除")
        lead, text, source = block.generated_lead, block.generated_text, None
    else:
        number = _check_version(to) if to not in (None, "") else None
        target = block.versions.filter(number=number).first() if number else None
        if target is None:
            raise ValidationFailed.on("to", "要恢复的版本不存在")
        if number == block.version:
            raise ValidationFailed.on("to", "该版本已是当前内容")
        lead, text, source = target.lead, target.text, number
    if not generated and not lead and not text:
        raise ValidationFailed.on("to", "该版本内容为空，不能恢复")
    return _save_text(actor, report, block, seen, lead, text, VersionOrigin.RESTORED, source)


@transaction.atomic(durable=True)
def block_keep(*, actor: Any, block: ReportBlock) -> ReportBlock:
    """数据已更新 → 保留我的修改: the secretary has seen the new figures and keeps her wording."""
    report = _locked_report(block.report)
    require_branch(actor, report.branch)
    updated = ReportBlock.objects.filter(pk=block.pk, report=report, stale=True).update(stale=False)
    if updated:
        audit(actor=actor, action="duty_report.block_keep", target=block, unit_id=report.branch.unit_id,
              changes={"stale": [True, False]})
    return ReportBlock.objects.get(pk=block.pk)


@transaction.atomic(durable=True)
def block_remove(*, actor: Any, block: ReportBlock, version: Any) -> None:
    """Remove a paragraph the records no longer produce (kept because the secretary had edited it)."""
    report, block, _ = _locked_block(actor, block, version)
    if not block.vanished:
        raise ValidationFailed.on("block", "只能删除最新数据中已不存在的段落；其他段落可修改内容")
    audit(actor=actor, action="duty_report.block_remove", target=block, unit_id=report.branch.unit_id,
          changes={"key": [block.key, None], "text": [block.text, None]})
    block.delete()


@transaction.atomic(durable=True)
def duty_report_update(*, actor: Any, report: DutyReport, title: Any = _KEEP, signature: Any = _KEEP,
                       dated: Any = _KEEP) -> DutyReport:
    """Change the title, the 署名 or the 成文日期; what is not given keeps its value."""
    fields = ["title", "signature", "dated"]
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if title is not _KEEP:
        values["title"] = clean_text(title).replace("\n", "")
        if not values["title"]:
            errors["title"] = ["请填写标题"]
        elif len(values["title"]) > MAX_TITLE:
            errors["title"] = [f"标题不能超过{MAX_TITLE}字"]
    if signature is not _KEEP:
        values["signature"] = clean_text(signature).replace("\n", "")
        if len(values["signature"]) > MAX_SIGNATURE:
            errors["signature"] = [f"署名不能超过{MAX_SIGNATURE}字"]
    report = _locked_report(report)
    if dated is not _KEEP:
        values["dated"] = dated
        # 述职 is done from November to the next January (domain.md §7): the date falls in the year or the next.
        if not isinstance(dated, date):
            errors["dated"] = ["请填写有效的成文日期"]
        elif dated.year not in (report.year, report.year + 1):
            errors["dated"] = [f"成文日期应在{report.year}年或{report.year + 1}年内"]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)
    require_branch(actor, report.branch)
    before = snapshot(report, fields)
    for name, value in values.items():
        setattr(report, name, value)
    report.full_clean()
    report.save()
    changes = diff(before, snapshot(report, fields))
    if changes:
        audit(actor=actor, action="duty_report.update", target=report, unit_id=report.branch.unit_id,
              changes=changes)
    return report
