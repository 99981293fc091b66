"""乌鲁木齐市生态环境保护专家库入库申请表 (UR 附件1) and the pledge (附件2, page 2),
row by row as in the source.

Labels and printed text are the source's own words, not translated: this is the
official form the expert signs and the unit stamps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from expertpool.applications.printing.layout import DATE_LINE, Cell, Page, Row, box, label, value

if TYPE_CHECKING:
    from expertpool.applications.printing.values import FormValues
    from expertpool.pools.policy import Policy

POOL = "乌鲁木齐市生态环境保护专家库"
TITLE = f"{POOL}入库申请表"
# Columns: label, value, label, value, label, value, photo.
COLUMNS = (14, 14, 13, 14, 12, 15, 18)
# 单位性质 as printed, in the source's two lines (codes of organisations.Nature).
NATURES = (
    (
        ("state_owned_enterprise", "国有企业"),
        ("private_enterprise", "民营企业"),
        ("research_institute", "科研院所"),
        ("university", "大专院校"),
        ("industry_association", "行业协会"),
        ("government_agency", "政府机构"),
    ),
    (
        ("wholly_foreign_owned", "外商独资企业"),
        ("sino_foreign", "中外合资、中外合作或外方控股企业"),
        ("other", "其他"),
    ),
)


def pages(values: FormValues, rules: Policy) -> tuple[Page, ...]:
    return (_application_page(values, rules), _pledge_page(rules))


def _application_page(values: FormValues, rules: Policy) -> Page:
    highest = values.highest_education()
    employment = values.employment
    rows: list[Row] = [
        (
            label("姓名"),
            value(values.name),
            label("性别"),
            value(values.gender),
            label("出生年月"),
            value(values.birth_month or "年　　月"),
            Cell(lines=("照片",), role="photo", rowspan=4),
        ),
        (
            label("民族"),
            value(values.text("ethnicity")),
            label("学历/学位"),
            value(values.level_and_degree(highest), colspan=3),
        ),
        (label("身份证号"), value(values.id_number, colspan=5)),
        (
            label("工作单位及职务"),
            value("　".join(filter(None, (values.text("employer_name"), values.text("position")))), colspan=5),
        ),
        (
            label("职业证书及编号"),
            value(values.qualifications_with_numbers(), colspan=3),
            label("是否在职"),
            value(
                f"{box(employment == 'in_service', '是')}　　{box(employment not in ('', 'in_service'), '否')}",
                colspan=2,
            ),
        ),
        (label("单位性质"), value(*_natures(values.text("employer_nature")), colspan=6)),
        (
            label("技术职称及取得时间"),
            value(values.titles_with_dates(), colspan=2),
            label("现从事专业"),
            value(values.text("current_specialty"), colspan=3),
        ),
        (
            label("毕业院校及专业"),
            value(" ".join(filter(None, (highest.get("institution"), highest.get("major")))), colspan=2),
            label("通信地址"),
            value(values.text("address"), colspan=3),
        ),
        (label("联系电话"), value(values.mobile, colspan=2), label("电子邮箱"), value(values.text("email"), colspan=3)),
        (label("专业领域（限勾选3项）"), value(*_categories(values, rules), colspan=6)),
        (
            label("主要工作经历（起止时间、工作单位、职务职称等）"),
            value(
                *("　".join(filter(None, (r.period, r.first, r.second))) for r in values.work_history()),
                colspan=6,
                height=35,
            ),
        ),
        (
            label("专业领域研究成果（有何课题、发明、成果、著作、奖励等）"),
            value(*values.achievements(), colspan=6, height=35),
        ),
        (
            label("专家个人意见"),
            Cell(
                lines=(f"（签字即表示本人确认本表内容客观真实，愿意担任{POOL}专家）",),
                colspan=6,
                signature=("签字：　　　　　　　　", DATE_LINE),
            ),
        ),
        (
            label("单位意见"),
            Cell(
                lines=(f"（盖章即表示相关单位确认本表内容客观真实，同意相关人员担任{POOL}专家）",),
                colspan=6,
                signature=("负责人（签名）：　　　　　　　　所在单位（公章）", DATE_LINE),
                height=30,
            ),
        ),
    ]
    return Page(heading=("附件1",), title=(POOL, "入库申请表"), columns=COLUMNS, rows=tuple(rows))


def _pledge_page(rules: Policy) -> Page:
    paragraphs = tuple(line.strip() for line in rules.pledge.text.splitlines() if line.strip())
    return Page(
        heading=("附件2",),
        title=(POOL, "专家承诺书"),
        paragraphs=paragraphs,
        signature=("专家（签名）：　　　　　　　　", DATE_LINE),
    )


def _natures(chosen: str) -> list[str]:
    return ["　".join(box(code == chosen, name) for code, name in line) for line in NATURES]


def _categories(values: FormValues, rules: Policy) -> list[str]:
    chosen = values.codes("categories")
    return [
        box(item.code in chosen, f"{item.name}（包括{'、'.join(item.subfields)}等）" if item.subfields else item.name)
        for item in rules.categories.items
    ]
