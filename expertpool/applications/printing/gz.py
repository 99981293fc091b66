"""广州市清洁生产专家入库申请表 (GZ 附件), row by row as in the source.

Labels and printed text are the source's own words, not translated: this is the
official form the applicant signs and the unit stamps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from expertpool.applications.printing.layout import DATE_LINE, Cell, Page, Row, box, label, value

if TYPE_CHECKING:
    from expertpool.applications.printing.values import FormValues, TableRow
    from expertpool.pools.policy import Policy

TITLE = "广州市清洁生产专家入库申请表"
# Columns: label, value, label, value, photo.
COLUMNS = (17, 29, 17, 19, 18)
# Rows printed for education and work history, so a short list leaves room to write.
MIN_TABLE_ROWS = 3
NOTES = (
    "注：1. 请随表附身份证、最高学历学位证书、职称证书、职业资格证书、学术和专业成就、"
    "清洁生产审核培训合格证（如有）等材料扫描件。",
    "　　2. 退休人员工作信息按退休单位填写，并随表附退休证明。",
)
INDUSTRY_NOTE = "（填写说明：重点行业类别按国民经济行业分类标准（GB/T 4754-2017）填写并注明子行业，如3211铜冶炼行业）"


def pages(values: FormValues, rules: Policy) -> tuple[Page, ...]:
    rows: list[Row] = [
        (
            label("姓名"),
            value(values.name),
            label("性别"),
            value(values.gender),
            Cell(lines=("1寸免冠", "彩色照片"), role="photo", rowspan=4),
        ),
        (label("身份证号码"), value(values.id_number), label("出生年月"), value(values.birth_month)),
        (label("工作单位"), value(values.text("employer_name")), label("职务"), value(values.text("position"))),
        (
            label("专业技术职称（执业资格）"),
            value(values.title_and_qualifications()),
            label("从事行业及年限"),
            value(values.field_and_years()),
        ),
        (label("通讯地址"), value(values.text("address"), colspan=3), _distinctions(values)),
        (label("手机号码"), value(values.mobile), label("电子邮箱"), value(values.text("email"), colspan=2)),
        *_table("教育背景", ("起止年月", "毕业院校及所学专业", "学历/学位"), values.education()),
        *_table("工作简历", ("起止年月", "工作单位", "担任职务"), values.work_history()),
        (
            label("专业技术工作经历及业绩成果"),
            value(
                "（包括承担的相关项目、工作成效、著作、论文、专利、取得的个人相关资质证书和获奖情况等）",
                *values.achievements(),
                colspan=4,
                height=38,
            ),
        ),
        (label("拟评审专长项目类别"), value(*_categories(values, rules), INDUSTRY_NOTE, colspan=4)),
        (
            label("个人承诺"),
            Cell(lines=(rules.pledge.text.strip(),), colspan=4, signature=("签名：　　　　　　　　", DATE_LINE)),
        ),
        (
            label("推荐单位意见"),
            Cell(
                lines=("以上情况属实，同意推荐其成为广州市清洁生产专家库成员。",),
                colspan=4,
                signature=("单位名称（盖章）：　　　　　　　　", DATE_LINE),
                height=30,
            ),
        ),
    ]
    return (Page(heading=("附件",), title=(TITLE,), columns=COLUMNS, rows=tuple(rows), notes=NOTES),)


def _distinctions(values: FormValues) -> Cell:
    held = values.codes("distinctions")
    return value(
        box("doctoral_supervisor" in held, "博导"),
        box("academician" in held, "院士"),
        box(bool(held & {"state_council_allowance", "provincial_allowance"}), "享受特殊津贴"),
    )


def _table(title: str, headers: tuple[str, str, str], data: list[TableRow]) -> list[Row]:
    """A repeated block: the section label spans its header and its rows; the middle
    column is two grid columns wide."""
    blank = max(MIN_TABLE_ROWS - len(data), 0)
    first, middle, last = headers
    rows: list[Row] = [
        (label(title, rowspan=1 + len(data) + blank), label(first), label(middle, colspan=2), label(last))
    ]
    rows += [(value(row.period), value(row.first, colspan=2), value(row.second)) for row in data]
    rows += [(value(), value(colspan=2), value())] * blank
    return rows


def _categories(values: FormValues, rules: Policy) -> list[str]:
    chosen = values.codes("categories")
    boxes = []
    for category in rules.categories.items:
        if category.requires_industry_codes:
            boxes.append(box(category.code in chosen, f"其他{values.industries() or '＿＿＿＿＿'}{category.name}"))
        else:
            boxes.append(box(category.code in chosen, category.name))
    return ["　".join(boxes)]
