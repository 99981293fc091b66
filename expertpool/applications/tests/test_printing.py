"""The printable application form as .docx: the source's rows in order, checkboxes from
the data, the photo placed, UR's pledge page (GZ 附件, UR 附件1、附件2)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import docx
import pytest
from django.core.files.base import ContentFile
from docx.oxml.ns import qn
from PIL import Image

from expertpool.accounts.models import User
from expertpool.applications.models import Application, Mode
from expertpool.applications.printing.docx import render_docx
from expertpool.applications.printing.forms import printed_form
from expertpool.applications.printing.layout import placements
from expertpool.applications.services import application_save_draft, application_start
from expertpool.core.identifiers import make_id_number
from expertpool.organisations.models import Organisation
from expertpool.pools.models import Pool
from expertpool.pools.policy import shipped_policy_path
from expertpool.pools.services import pool_create

ID_NUMBER = make_id_number(area_code="440106", birth_date=datetime.date(1970, 5, 17), sequence=7, gender="male")
MOBILE = "13800138000"
# The source forms' row labels, in the order printed (photo cell aside).
GZ_LABELS = [
    "姓名",
    "性别",
    "身份证号码",
    "出生年月",
    "工作单位",
    "职务",
    "专业技术职称（执业资格）",
    "从事行业及年限",
    "通讯地址",
    "手机号码",
    "电子邮箱",
    "教育背景",
    "起止年月",
    "毕业院校及所学专业",
    "学历/学位",
    "工作简历",
    "起止年月",
    "工作单位",
    "担任职务",
    "专业技术工作经历及业绩成果",
    "拟评审专长项目类别",
    "个人承诺",
    "推荐单位意见",
]
UR_LABELS = [
    "姓名",
    "性别",
    "出生年月",
    "民族",
    "学历/学位",
    "身份证号",
    "工作单位及职务",
    "职业证书及编号",
    "是否在职",
    "单位性质",
    "技术职称及取得时间",
    "现从事专业",
    "毕业院校及专业",
    "通信地址",
    "联系电话",
    "电子邮箱",
    "专业领域（限勾选3项）",
    "主要工作经历（起止时间、工作单位、职务职称等）",
    "专业领域研究成果（有何课题、发明、成果、著作、奖励等）",
    "专家个人意见",
    "单位意见",
]
CATEGORIES = {
    "gz-cleaner-production": ["cleaner_production", "industry"],
    "urumqi-eco-environment": ["environmental_engineering", "climate_change"],
}


def form_data(categories: list[str]) -> dict[str, Any]:
    return {
        "name": "张三",
        "gender": "male",
        "birth_date": "1970-05-17",
        "ethnicity": "汉族",
        "email": "zhangsan@example.cn",
        "address": "广州市天河区环境路1号",
        "employer_name": "广州市环境技术中心",
        "employer_nature": "research_institute",
        "position": "总工程师",
        "employment_status": "in_service",
        "current_specialty": "清洁生产审核",
        "field_years": 12,
        "education": [
            {
                "institution": "华南理工大学",
                "major": "环境工程",
                "education_level": "研究生",
                "degree": "master",
                "start_month": "1992-09",
                "end_month": "1995-07",
            }
        ],
        "work_history": [{"employer_name": "广州市环境技术中心", "position": "总工程师", "start_month": "1995-08"}],
        "credentials": [
            {"kind": "title", "name": "高级工程师", "level": "associate_senior", "obtained_on": "2005-06-01"},
            {"kind": "qualification", "name": "注册环保工程师", "certificate_number": "HB-0001"},
        ],
        "distinctions": ["doctoral_supervisor"],
        "achievements": [{"kind": "patent", "title": "一种铜冶炼烟气净化装置", "year": 2019}],
        "categories": categories,
        "industry_codes": ["3211"],
    }


def png_photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (250, 350), (200, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def make_pool(slug: str, *, policy_slug: str | None = None) -> Pool:
    text = shipped_policy_path(slug).read_text(encoding="utf-8")
    if policy_slug:
        text = text.replace(f"slug: {slug}", f"slug: {policy_slug}", 1)
    return pool_create(actor=None, policy_text=text)


def make_application(pool: Pool, applicant: User, *, nominating_unit: Organisation | None = None) -> Application:
    """A filled draft with a photo, written through the applicant's own services."""
    mode = Mode.UNIT if nominating_unit else Mode.SELF
    application = application_start(actor=applicant, pool=pool, mode=mode, nominating_unit=nominating_unit)
    application = application_save_draft(
        actor=applicant,
        application=application,
        form_data=form_data(CATEGORIES.get(pool.policy.slug, ["cleaner_production"])),
        id_number=ID_NUMBER,
        mobile=MOBILE,
    )
    # No service sets the photo yet in this part; the applicant form re-encodes it on upload.
    application.photo.save("photo.png", ContentFile(png_photo()))
    return application


def cell_texts(document: Any) -> list[str]:
    """Each physical cell's text once, in reading order (merged cells are one cell)."""
    return [
        "".join(node.text or "" for node in tc.iter(qn("w:t")))
        for table in document.tables
        for tr in table._tbl.tr_lst
        for tc in tr.tc_lst
    ]


def in_order(expected: list[str], texts: list[str]) -> bool:
    remaining = iter(texts)
    return all(any(text == label for text in remaining) for label in expected)


@pytest.fixture
def applicant(db: None) -> User:
    return User.objects.create_user(username="zhangsan", email="zhangsan@example.cn", password=None)


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def open_docx(application: Application, *, full_personal_data: bool = True) -> Any:
    form = printed_form(pool=application.pool, application=application, full_personal_data=full_personal_data)
    return docx.Document(io.BytesIO(render_docx(form)))


def test_gz_docx_has_the_source_rows_in_order(gz_pool: Pool, applicant: User, media: None) -> None:
    texts = cell_texts(open_docx(make_application(gz_pool, applicant)))

    assert in_order(GZ_LABELS, texts)
    assert "张三" in texts
    assert ID_NUMBER in texts


def test_ur_docx_has_the_source_rows_in_order(ur_pool: Pool, applicant: User, media: None) -> None:
    texts = cell_texts(open_docx(make_application(ur_pool, applicant)))

    assert in_order(UR_LABELS, texts)
    assert "广州市环境技术中心　总工程师" in texts


def test_label_order_check_notices_a_swap() -> None:
    assert not in_order(["性别", "姓名"], ["姓名", "张三", "性别", "男"])


def test_gz_checkboxes_follow_the_data(gz_pool: Pool, applicant: User, media: None) -> None:
    text = "\n".join(cell_texts(open_docx(make_application(gz_pool, applicant))))

    assert "☑清洁生产　☐节能　☐环保　☑其他3211铜冶炼行业" in text
    assert "☑博导" in text
    assert "☐院士" in text


def test_ur_checkboxes_follow_the_data(ur_pool: Pool, applicant: User, media: None) -> None:
    text = "\n".join(cell_texts(open_docx(make_application(ur_pool, applicant))))

    assert "☑环境工程（包括大气污染控制工程" in text
    assert "☑气候变化（包括" in text
    assert "☐环境科学（包括" in text
    assert "☐国有企业　☐民营企业　☑科研院所" in text
    assert "☑是　　☐否" in text


def test_photo_is_placed_in_the_photo_cell(gz_pool: Pool, applicant: User, media: None) -> None:
    document = open_docx(make_application(gz_pool, applicant))
    first_row = document.tables[0]._tbl.tr_lst[0]

    assert any(part.partname.startswith("/word/media/") for part in document.part.package.parts)
    assert list(first_row.tc_lst[-1].iter(qn("w:drawing")))


def test_chinese_is_set_in_an_east_asian_font(gz_pool: Pool, applicant: User, media: None) -> None:
    document = open_docx(make_application(gz_pool, applicant))
    fonts = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))

    assert fonts.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
    assert round(document.sections[0].page_width.mm) == 210


def test_ur_prints_the_pledge_on_its_own_page(ur_pool: Pool, applicant: User, media: None) -> None:
    document = open_docx(make_application(ur_pool, applicant))
    paragraphs = document.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.paragraph_format.page_break_before)
    pledge = [p.text for p in paragraphs[start:]]

    assert pledge[:3] == ["附件2", "乌鲁木齐市生态环境保护专家库", "专家承诺书"]
    assert "特此承诺。" in pledge
    assert pledge[-2:] == ["专家（签名）：　　　　　　　　", "年　　月　　日"]


def test_signature_and_stamp_are_left_blank(gz_pool: Pool, applicant: User, media: None) -> None:
    text = "\n".join(cell_texts(open_docx(make_application(gz_pool, applicant))))

    assert "签名：　　　　　　　　年　　月　　日" in text
    assert "单位名称（盖章）：　　　　　　　　年　　月　　日" in text


def test_personal_data_is_masked_unless_allowed(gz_pool: Pool, applicant: User, media: None) -> None:
    texts = cell_texts(open_docx(make_application(gz_pool, applicant), full_personal_data=False))

    assert ID_NUMBER not in texts
    assert "440106********" + ID_NUMBER[-4:] in texts
    assert "138****8000" in texts


def test_blank_form_has_the_rows_and_no_ticks(gz_pool: Pool) -> None:
    document = docx.Document(io.BytesIO(render_docx(printed_form(pool=gz_pool, application=None))))
    texts = cell_texts(document)

    assert in_order(GZ_LABELS, texts)
    assert "☑" not in "".join(texts)
    assert "☐其他＿＿＿＿＿行业" in "\n".join(texts)


def test_every_layout_fills_its_grid(gz_pool: Pool, ur_pool: Pool, applicant: User, media: None) -> None:
    other = make_pool("gz-cleaner-production", policy_slug="other-pool")
    for pool in (gz_pool, ur_pool, other):
        for application in (None, make_application(pool, applicant)):
            for page in printed_form(pool=pool, application=application).pages:
                # placements() raises on a row that leaves a gap or overflows the grid.
                assert len(list(placements(page))) == sum(len(row) for row in page.rows)


def test_other_pools_get_a_form_built_from_their_policy(applicant: User, media: None) -> None:
    pool = make_pool("urumqi-eco-environment", policy_slug="other-pool")
    document = open_docx(make_application(pool, applicant))
    texts = cell_texts(document)

    assert document.paragraphs[0].text == "乌鲁木齐市生态环境保护专家库: application form"
    assert in_order(["Name", "Gender", "Date of birth", "Photo", "Ethnicity", "Education", "Pledge"], texts)
    assert "Unit opinion" in texts


def test_a_fresh_draft_prints(gz_pool: Pool, applicant: User) -> None:
    application = application_start(actor=applicant, pool=gz_pool)

    texts = cell_texts(open_docx(application))

    assert in_order(GZ_LABELS, texts)
    assert "1寸免冠彩色照片" in texts
