"""Demo data for both shipped pools, made through the same services as real data.

Deterministic for a given seed and day: ages are counted from today so that the
age rules (GZ 二（九）: 65, raised to 70) always have experts on either side.
For a local demo only: every demo account shares one published password.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from expertpool.accounts.models import Role, User
from expertpool.accounts.services import pool_role_grant
from expertpool.audit.services import audit_log
from expertpool.core.demo_selection import seed_selection
from expertpool.core.identifiers import make_id_number, make_uscc
from expertpool.experts.models import Expert
from expertpool.experts.records import AchievementRow, CredentialRow, EducationRow, ExpertRecord, WorkRow
from expertpool.experts.services import expert_register
from expertpool.industries.models import IndustryCode
from expertpool.organisations.models import Nature
from expertpool.organisations.services import organisation_get_or_create
from expertpool.pools.models import Pool
from expertpool.pools.policy import Degree, Distinction, TitleLevel, shipped_policy_path
from expertpool.pools.services import pool_create

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 (published demo password, local demo only)
PLATFORM_USERNAME = "platform"
EXPERTS_PER_POOL = 150
# Below this the demo draws nothing: too few experts per category for a panel and its reserves.
SELECTION_MIN_EXPERTS = 60
# One account per role and pool: username suffix, and the display name's role (stored data, in Chinese).
ROLE_ACCOUNTS = {
    Role.POOL_ADMIN: ("admin", "管理员"),
    Role.REVIEWER: ("reviewer", "审核员"),
    Role.SUPERVISOR: ("supervisor", "监督员"),
    Role.CLIENT_UNIT: ("client", "使用单位"),
    Role.NOMINATING_UNIT: ("nominator", "推荐单位"),
    Role.EXPERT: ("expert", "专家"),
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程魏苏吕丁任沈姚卢钟姜"
    "崔谭陆范汪廖石金贾夏方邹熊白孟秦邱侯江薛段雷黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤"
)
GIVEN = {
    "male": "伟强军磊勇杰涛斌超明刚平辉鹏华飞鑫波宁健峰建国志文俊浩宇晨博立新海洋振兴永春德荣",
    "female": "芳娜敏静丽艳娟霞秀玲燕红梅琳颖婷雪慧洁倩晶莉佳欣兰凤云萍英月晓媛",
}
# Urumqi's experts include Uyghur and Kazakh colleagues, named as their ID cards write them.
MINORITY_NAMES = {
    "维吾尔族": {
        "male": ("艾尔肯", "买买提", "阿不都", "努尔买买提", "吐尔洪", "艾克拜尔", "热合曼", "亚森"),
        "female": ("古丽娜尔", "阿依古丽", "热依拉", "迪丽娜尔", "帕丽旦", "米热古丽"),
        "father": ("吐尔逊", "艾力", "玉素甫", "依明", "卡德尔", "阿不力孜", "司马义"),
    },
    "哈萨克族": {
        "male": ("努尔兰", "叶尔兰", "别克", "加那提", "吐尔汗"),
        "female": ("阿依江", "古丽巴哈尔", "玛依拉", "娜孜古丽"),
        "father": ("哈力木", "沙吾提", "巴合提", "木拉提"),
    },
}
# Where the ID cards were issued: mostly the pool's own city, some from elsewhere.
ELSEWHERE_AREAS = ("110108", "310104", "420111", "430104", "510107", "610113", "320102", "370102", "620102")
MOBILE_PREFIXES = ("133", "135", "136", "137", "138", "139", "150", "158", "159", "177", "180", "186", "189", "199")


@dataclass(frozen=True)
class Employer:
    name: str
    nature: Nature
    # Enterprises get a generated USCC in this county; public bodies are matched by name.
    uscc_area: str = ""


@dataclass(frozen=True)
class Specialty:
    """What an expert of one category studied, works on and wrote about."""

    majors: tuple[str, ...]
    topics: tuple[str, ...]


@dataclass(frozen=True)
class PoolPlan:
    slug: str
    prefix: str
    city: str
    districts: dict[str, str]
    roads: tuple[str, ...]
    title_issuer: str
    employers: tuple[Employer, ...]
    specialties: dict[str, Specialty]
    client_unit: str
    max_categories: int
    # The demo activities: (subject organisation, activity title); the first waits for its draw.
    activities: tuple[tuple[str, str], tuple[str, str]]
    industry_codes: dict[str, str] = field(default_factory=dict)


UNIVERSITIES = (
    "清华大学",
    "同济大学",
    "哈尔滨工业大学",
    "南京大学",
    "浙江大学",
    "武汉大学",
    "兰州大学",
    "北京师范大学",
)
ENTERPRISE_POSITIONS = ("总工程师", "技术总监", "副总经理", "环保部经理", "工艺工程师", "安全环保部部长")
POSITIONS = {
    Nature.UNIVERSITY: ("教师", "系主任", "学院副院长", "研究所所长"),
    Nature.RESEARCH_INSTITUTE: ("研究室主任", "首席专家", "副所长", "课题组长"),
    Nature.GOVERNMENT_AGENCY: ("站长", "科长", "高级工程师"),
}
ENGINEER_TITLES = {
    TitleLevel.FULL_SENIOR: "正高级工程师",
    TitleLevel.ASSOCIATE_SENIOR: "高级工程师",
    TitleLevel.INTERMEDIATE: "工程师",
}
TITLES = {
    Nature.UNIVERSITY: {
        TitleLevel.FULL_SENIOR: "教授",
        TitleLevel.ASSOCIATE_SENIOR: "副教授",
        TitleLevel.INTERMEDIATE: "讲师",
    },
    Nature.RESEARCH_INSTITUTE: {
        TitleLevel.FULL_SENIOR: "研究员",
        TitleLevel.ASSOCIATE_SENIOR: "副研究员",
        TitleLevel.INTERMEDIATE: "助理研究员",
    },
}
QUALIFICATIONS = (
    ("环评工程师", "生态环境部"),
    ("注册环保工程师", "住房和城乡建设部"),
    ("注册安全工程师", "应急管理部"),
    ("注册化工工程师", "住房和城乡建设部"),
    ("清洁生产审核师", "中国节能协会"),
)
NUCLEAR_QUALIFICATION = ("注册核安全工程师", "国家核安全局")
AWARDS = ("省级科学技术奖二等奖", "环境保护科学技术奖三等奖", "优秀工程咨询成果奖一等奖", "市级科学技术进步奖二等奖")

GZ = PoolPlan(
    slug="gz-cleaner-production",
    prefix="gz",
    city="广州市",
    districts={
        "440103": "荔湾区",
        "440104": "越秀区",
        "440105": "海珠区",
        "440106": "天河区",
        "440111": "白云区",
        "440112": "黄埔区",
        "440113": "番禺区",
        "440114": "花都区",
        "440115": "南沙区",
    },
    roads=("中山大道", "黄埔大道", "环市东路", "广州大道", "东风中路", "工业大道", "迎宾路"),
    title_issuer="广东省人力资源和社会保障厅",
    employers=(
        Employer("华南理工大学", Nature.UNIVERSITY),
        Employer("中山大学", Nature.UNIVERSITY),
        Employer("广东工业大学", Nature.UNIVERSITY),
        Employer("广州大学", Nature.UNIVERSITY),
        Employer("中国科学院广州能源研究所", Nature.RESEARCH_INSTITUTE),
        Employer("广东省环境科学研究院", Nature.RESEARCH_INSTITUTE),
        Employer("广州市环境保护科学研究院", Nature.RESEARCH_INSTITUTE),
        Employer("广东粤环工程设计研究院有限公司", Nature.STATE_OWNED_ENTERPRISE, "440106"),
        Employer("广州穗清环保科技有限公司", Nature.PRIVATE_ENTERPRISE, "440106"),
        Employer("广州珠江节能技术服务有限公司", Nature.PRIVATE_ENTERPRISE, "440105"),
        Employer("广州恒泰铜业有限公司", Nature.PRIVATE_ENTERPRISE, "440114"),
        Employer("广州白云热电有限公司", Nature.STATE_OWNED_ENTERPRISE, "440111"),
        Employer("广州南沙精细化工有限公司", Nature.SINO_FOREIGN, "440115"),
        Employer("广州越秀建材水泥有限公司", Nature.STATE_OWNED_ENTERPRISE, "440104"),
        Employer("广州黄埔表面处理产业园有限公司", Nature.STATE_OWNED_ENTERPRISE, "440112"),
        Employer("广州德瑞电子电路有限公司", Nature.WHOLLY_FOREIGN_OWNED, "440113"),
    ),
    specialties={
        "cleaner_production": Specialty(
            ("环境工程", "化学工程", "环境科学"),
            ("清洁生产审核", "电镀行业清洁生产评价", "工业园区清洁生产绩效评估", "印染企业清洁生产改造"),
        ),
        "energy_saving": Specialty(
            ("热能与动力工程", "电气工程及其自动化", "能源与环境系统工程"),
            ("能源审计", "燃煤锅炉节能改造", "余热余压利用", "电机系统节能"),
        ),
        "environmental_protection": Specialty(
            ("环境工程", "环境科学", "给水排水工程"),
            ("挥发性有机物综合治理", "工业废水深度处理", "危险废物资源化利用", "土壤污染风险管控"),
        ),
        "industry": Specialty(
            ("冶金工程", "化学工程与工艺", "材料科学与工程", "制浆造纸工程", "无机非金属材料工程"),
            ("生产工艺优化", "行业清洁生产技术", "工艺装备升级", "资源综合利用"),
        ),
    },
    client_unit="广州市生态环境局",
    max_categories=2,
    activities=(
        ("广州市某电镀有限公司", "广州市某电镀有限公司清洁生产审核评估"),
        ("广州某造纸股份有限公司", "广州某造纸股份有限公司清洁生产审核验收"),
    ),
    industry_codes={
        "3211": "铜冶炼",
        "2611": "无机酸制造",
        "3011": "水泥制造",
        "3130": "钢压延加工",
        "2211": "木竹浆制造",
        "2221": "机制纸及纸板制造",
        "4411": "火力发电",
        "3360": "金属表面处理及热处理加工",
        "2614": "有机化学原料制造",
        "3982": "电子电路制造",
        "1713": "棉印染精加工",
    },
)

UR = PoolPlan(
    slug="urumqi-eco-environment",
    prefix="ur",
    city="乌鲁木齐市",
    districts={
        "650102": "天山区",
        "650103": "沙依巴克区",
        "650104": "新市区",
        "650105": "水磨沟区",
        "650106": "头屯河区",
        "650107": "达坂城区",
        "650109": "米东区",
    },
    roads=("友好北路", "北京南路", "新华南路", "河北东路", "南湖路", "西虹东路", "喀什东路"),
    title_issuer="新疆维吾尔自治区人力资源和社会保障厅",
    employers=(
        Employer("新疆大学", Nature.UNIVERSITY),
        Employer("新疆农业大学", Nature.UNIVERSITY),
        Employer("新疆师范大学", Nature.UNIVERSITY),
        Employer("中国科学院新疆生态与地理研究所", Nature.RESEARCH_INSTITUTE),
        Employer("新疆维吾尔自治区环境保护科学研究院", Nature.RESEARCH_INSTITUTE),
        Employer("乌鲁木齐市生态环境监测站", Nature.GOVERNMENT_AGENCY),
        Employer("新疆天山环境工程设计院有限公司", Nature.STATE_OWNED_ENTERPRISE, "650102"),
        Employer("乌鲁木齐博格达环保科技有限公司", Nature.PRIVATE_ENTERPRISE, "650104"),
        Employer("新疆准东煤电有限公司", Nature.STATE_OWNED_ENTERPRISE, "650109"),
        Employer("新疆西域辐射技术服务有限公司", Nature.PRIVATE_ENTERPRISE, "650103"),
        Employer("乌鲁木齐绿洲生态修复有限公司", Nature.PRIVATE_ENTERPRISE, "650105"),
        Employer("新疆天池碳资产管理有限公司", Nature.PRIVATE_ENTERPRISE, "650102"),
        Employer("新疆中亚石油化工有限公司", Nature.SINO_FOREIGN, "650106"),
        Employer("乌鲁木齐市环境科学学会", Nature.INDUSTRY_ASSOCIATION),
    ),
    specialties={
        "environmental_science": Specialty(("环境科学", "环境化学"), ("干旱区环境演变", "污染物迁移转化")),
        "environmental_engineering": Specialty(
            ("环境工程", "给水排水工程"), ("煤化工废水处理", "燃煤电厂超低排放改造")
        ),
        "ecological_protection": Specialty(("生态学", "生物科学"), ("荒漠生态系统保护", "天山北坡生物多样性调查")),
        "environmental_monitoring": Specialty(("分析化学", "环境监测"), ("大气颗粒物源解析", "污染源自动监控")),
        "environmental_impact_assessment": Specialty(
            ("环境科学", "环境工程"), ("煤电项目环境影响评价", "规划环境影响评价")
        ),
        "environmental_policy": Specialty(("环境与资源保护法学", "公共管理"), ("排污许可制度", "地方环境标准制定")),
        "climate_change": Specialty(("大气科学", "气候学"), ("区域碳排放核算", "冰川变化与水资源")),
        "agricultural_rural_environment": Specialty(
            ("农业资源与环境", "土壤学"), ("农田残膜污染治理", "农村生活污水治理")
        ),
        "nuclear_radiation": Specialty(("核工程与核技术", "辐射防护"), ("放射源安全监管", "电磁辐射环境监测")),
        "environmental_economics": Specialty(("资源与环境经济学", "经济学"), ("排污权交易", "生态补偿机制")),
        "eco_damage_compensation": Specialty(("环境法学", "生态学"), ("生态环境损害鉴定评估", "矿山生态修复")),
    },
    client_unit="乌鲁木齐市生态环境局",
    max_categories=3,
    activities=(
        ("乌鲁木齐某化工有限公司", "乌鲁木齐某化工有限公司建设项目环境影响报告书技术评审"),
        ("新疆某水泥有限公司", "新疆某水泥有限公司竣工环境保护验收"),
    ),
)
PLANS = (GZ, UR)


class DemoDataError(Exception):
    """The database cannot take the demo data (for example, a missing reference table)."""


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    pool_slug: str


def demo_accounts() -> list[DemoAccount]:
    """Every demo account, as the seed creates them and the README lists them."""
    accounts = [DemoAccount(PLATFORM_USERNAME, "superuser", "")]
    for plan in PLANS:
        accounts += [DemoAccount(f"{plan.prefix}_{name}", role, plan.slug) for role, (name, _) in ROLE_ACCOUNTS.items()]
    return accounts


class PersonMaker:
    """Makes the expert records of one pool; the same seed gives the same people."""

    def __init__(self, plan: PoolPlan, *, seed: int, today: datetime.date, first_index: int) -> None:
        self.plan = plan
        self.rng = random.Random(f"{seed}:{plan.slug}")  # noqa: S311 (reproducible demo data, not secrets)
        self.today = today
        self.first_index = first_index
        self.names: set[str] = set()

    def record(self, index: int, categories: tuple[str, ...]) -> ExpertRecord:
        rng, plan = self.rng, self.plan
        gender = "male" if rng.random() < 0.72 else "female"
        name, ethnicity = self._name(gender)
        age = rng.randint(35, 72)
        birth_date = self.today - datetime.timedelta(days=age * 365 + rng.randint(10, 355))
        employer = rng.choice(plan.employers)
        position = rng.choice(POSITIONS.get(employer.nature, ENTERPRISE_POSITIONS))
        level = rng.choices(
            (TitleLevel.FULL_SENIOR, TitleLevel.ASSOCIATE_SENIOR, TitleLevel.INTERMEDIATE), weights=(35, 57, 8)
        )[0]
        education, degree = self._education(birth_date, categories[0])
        area = rng.choice(ELSEWHERE_AREAS) if rng.random() < 0.2 else rng.choice(tuple(plan.districts))
        sequence = self.first_index + index
        industry_codes = self._industry_codes(categories)
        return ExpertRecord(
            name=name,
            gender=gender,
            birth_date=birth_date,
            ethnicity=ethnicity,
            id_number=make_id_number(area_code=area, birth_date=birth_date, sequence=sequence, gender=gender),
            mobile=rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}",
            email=f"{plan.prefix}{index + 1:03d}@example.cn",
            address=self._address(),
            employer_name=employer.name,
            employer_uscc=self._uscc(employer),
            employer_nature=employer.nature,
            position=position,
            employment_status="retired" if age >= 62 and rng.random() < 0.7 else "in_service",
            current_specialty=self._specialty(categories[0], industry_codes),
            field_years=max(2, age - rng.randint(23, 30)),
            education=education,
            work_history=self._work_history(birth_date, employer, position),
            credentials=self._credentials(employer, level, birth_date, categories),
            distinctions=self._distinctions(employer, level, degree),
            achievements=self._achievements(categories, birth_date),
            categories=categories,
            industry_codes=industry_codes,
        )

    def _name(self, gender: str) -> tuple[str, str]:
        rng = self.rng
        while True:
            if self.plan is UR and rng.random() < 0.2:
                ethnicity = rng.choice(tuple(MINORITY_NAMES))
                names = MINORITY_NAMES[ethnicity]
                name = f"{rng.choice(names[gender])}·{rng.choice(names['father'])}"
            else:
                ethnicity = "汉族"
                given = "".join(rng.choice(GIVEN[gender]) for _ in range(rng.choice((1, 2, 2))))
                name = rng.choice(SURNAMES) + given
            if name not in self.names:
                self.names.add(name)
                return name, ethnicity

    def _uscc(self, employer: Employer) -> str:
        if not employer.uscc_area:
            return ""
        return make_uscc(area_code=employer.uscc_area, sequence=self.plan.employers.index(employer) + 1)

    def _address(self) -> str:
        district = self.rng.choice(tuple(self.plan.districts.values()))
        return f"{self.plan.city}{district}{self.rng.choice(self.plan.roads)}{self.rng.randint(1, 399)}号"

    def _education(self, birth_date: datetime.date, category: str) -> tuple[tuple[EducationRow, ...], Degree]:
        rng = self.rng
        degree = rng.choices((Degree.DOCTORATE, Degree.MASTER, Degree.BACHELOR), weights=(30, 40, 30))[0]
        major = rng.choice(self.plan.specialties[category].majors)
        steps = [
            (Degree.BACHELOR, "大学本科", 4),
            (Degree.MASTER, "硕士研究生", 3),
            (Degree.DOCTORATE, "博士研究生", 3),
        ]
        steps = steps[: [Degree.BACHELOR, Degree.MASTER, Degree.DOCTORATE].index(degree) + 1]
        year, rows = birth_date.year + 18, []
        for step_degree, level, years in steps:
            rows.append(
                EducationRow(
                    institution=rng.choice(UNIVERSITIES),
                    major=major,
                    education_level=level,
                    degree=step_degree,
                    start_month=datetime.date(year, 9, 1),
                    end_month=datetime.date(year + years, 7, 1),
                )
            )
            year += years
        if degree == Degree.DOCTORATE and rng.random() < 0.15:
            rows.append(
                EducationRow(
                    institution=rng.choice(UNIVERSITIES),
                    major=major,
                    education_level="博士后",
                    is_postdoc=True,
                    start_month=datetime.date(year, 9, 1),
                    end_month=datetime.date(year + 2, 8, 1),
                )
            )
        return tuple(rows), degree

    def _work_history(self, birth_date: datetime.date, employer: Employer, position: str) -> tuple[WorkRow, ...]:
        start = birth_date.year + self.rng.randint(23, 29)
        moved = min(start + self.rng.randint(4, 12), self.today.year - 1)
        earlier = self.rng.choice([e for e in self.plan.employers if e != employer])
        return (
            WorkRow(earlier.name, "技术员", datetime.date(start, 7, 1), datetime.date(moved, 6, 1)),
            WorkRow(employer.name, position, datetime.date(moved, 7, 1), None),
        )

    def _credentials(
        self, employer: Employer, level: TitleLevel, birth_date: datetime.date, categories: tuple[str, ...]
    ) -> tuple[CredentialRow, ...]:
        rng = self.rng
        title = TITLES.get(employer.nature, ENGINEER_TITLES)[level]
        obtained = datetime.date(min(birth_date.year + rng.randint(33, 48), self.today.year - 1), 12, 1)
        rows = [
            CredentialRow(kind="title", name=title, level=level, obtained_on=obtained, issuer=self.plan.title_issuer)
        ]
        options = [NUCLEAR_QUALIFICATION] if "nuclear_radiation" in categories else []
        options += rng.sample(QUALIFICATIONS, k=rng.choice((0, 0, 1, 1, 2)))
        for qualification, issuer in options:
            rows.append(
                CredentialRow(
                    kind="qualification",
                    name=qualification,
                    certificate_number=f"{rng.randrange(10**9):09d}",
                    obtained_on=datetime.date(obtained.year - rng.randint(0, 6), 6, 1),
                    issuer=issuer,
                )
            )
        return tuple(rows)

    def _distinctions(self, employer: Employer, level: TitleLevel, degree: Degree) -> tuple[str, ...]:
        rng, found = self.rng, []
        if employer.nature == Nature.UNIVERSITY and level == TitleLevel.FULL_SENIOR and degree == Degree.DOCTORATE:
            found.append(Distinction.DOCTORAL_SUPERVISOR)
        if level == TitleLevel.FULL_SENIOR and rng.random() < 0.1:
            found.append(rng.choice((Distinction.STATE_COUNCIL_ALLOWANCE, Distinction.PROVINCIAL_ALLOWANCE)))
        if rng.random() < 0.02:
            found.append(Distinction.SCARCE_SPECIALTY)
        return tuple(found)

    def _specialty(self, category: str, industry_codes: tuple[str, ...]) -> str:
        if industry_codes:
            return f"{self.plan.industry_codes[industry_codes[0]]}清洁生产"
        return self.rng.choice(self.plan.specialties[category].topics)

    def _achievements(self, categories: tuple[str, ...], birth_date: datetime.date) -> tuple[AchievementRow, ...]:
        rng, rows, titles = self.rng, [], set()
        for _ in range(rng.randint(1, 3)):
            topic = rng.choice(self.plan.specialties[rng.choice(categories)].topics)
            year = rng.randint(min(birth_date.year + 30, self.today.year - 1), self.today.year - 1)
            kind, title = rng.choice(
                (
                    ("project", f"{topic}项目"),
                    ("publication", f"《{topic}研究》"),
                    ("patent", f"一种用于{topic}的装置"),
                    ("award", f"{topic}成果获{rng.choice(AWARDS)}"),
                )
            )
            if title not in titles:
                titles.add(title)
                rows.append(AchievementRow(kind=kind, title=title, year=year))
        return tuple(rows)

    def _industry_codes(self, categories: tuple[str, ...]) -> tuple[str, ...]:
        if "industry" not in categories:
            return ()
        return tuple(self.rng.sample(sorted(self.plan.industry_codes), k=self.rng.choice((1, 1, 2))))

    def categories(self, index: int, codes: list[str]) -> tuple[str, ...]:
        """The first category goes round the pool's list, so every category is used."""
        first = codes[index % len(codes)]
        others = [code for code in codes if code != first]
        extra = self.rng.randint(0, self.plan.max_categories - 1)
        return (first, *self.rng.sample(others, k=extra))


@dataclass(frozen=True)
class SeededPool:
    pool: Pool
    experts: int
    created: bool


def demo_seed(
    *, experts_per_pool: int = EXPERTS_PER_POOL, seed: int = 2026, today: datetime.date | None = None
) -> list[SeededPool]:
    """Create both shipped pools with experts and one account per role; pools that
    exist already are left alone. One transaction: all or nothing.

    Raises ``DemoDataError`` when the industry-code table lacks a code the demo uses.
    Audit codes: those of the services called, plus ``user.created`` and ``expert.user_linked``.
    """
    today = today or timezone.localdate()
    _require_industry_codes()
    # One hash for every demo account: hashing is slow by design, and the password is public anyway.
    password = make_password(DEMO_PASSWORD)
    with transaction.atomic():
        platform = User.objects.filter(username=PLATFORM_USERNAME).first() or _user(
            PLATFORM_USERNAME, password=password, actor=None, display_name="Platform admin", superuser=True
        )
        results = []
        for position, plan in enumerate(PLANS):
            existing = Pool.objects.filter(slug=plan.slug).first()
            if existing is not None:
                results.append(SeededPool(existing, existing.memberships.count(), created=False))
                continue
            maker = PersonMaker(plan, seed=seed, today=today, first_index=position * experts_per_pool)
            results.append(_seed_pool(plan, maker, actor=platform, password=password, count=experts_per_pool))
    return results


def _require_industry_codes() -> None:
    wanted = {code for plan in PLANS for code in plan.industry_codes}
    missing = wanted - set(IndustryCode.objects.filter(code__in=wanted).values_list("code", flat=True))
    if missing:
        raise DemoDataError(
            f"the GB/T 4754-2017 industry-code table lacks {', '.join(sorted(missing))}: run the migrations first"
        )


def _seed_pool(plan: PoolPlan, maker: PersonMaker, *, actor: User, password: str, count: int) -> SeededPool:
    pool = pool_create(actor=actor, policy_text=shipped_policy_path(plan.slug).read_text(encoding="utf-8"))
    codes = [category.code for category in pool.policy.rules.categories.items]
    experts = []
    for index in range(count):
        admitted_on = maker.today - datetime.timedelta(days=maker.rng.randint(30, 1000))
        record = maker.record(index, maker.categories(index, codes))
        experts.append(expert_register(actor=actor, pool=pool, record=record, admitted_on=admitted_on).expert)
    _seed_accounts(plan, pool, experts[0] if experts else None, actor=actor, password=password)
    if count >= SELECTION_MIN_EXPERTS:
        accounts = {
            name: User.objects.get(username=f"{plan.prefix}_{name}") for name in ("admin", "client", "supervisor")
        }
        seed_selection(pool, **accounts, area_code=next(iter(plan.districts)), activities=plan.activities)
    return SeededPool(pool, count, created=True)


def _seed_accounts(plan: PoolPlan, pool: Pool, expert: Expert | None, *, actor: User, password: str) -> None:
    """One account per role; the expert account is the given expert's, and the
    nominating unit is that expert's employer."""
    for role, (name, role_name) in ROLE_ACCOUNTS.items():
        user = _user(f"{plan.prefix}_{name}", password=password, actor=actor, display_name=f"{pool.name}{role_name}")
        organisation = None
        if role == Role.CLIENT_UNIT:
            organisation = organisation_get_or_create(
                name=plan.client_unit, nature=Nature.GOVERNMENT_AGENCY, actor=actor
            )
        elif role == Role.NOMINATING_UNIT and expert is not None:
            organisation = expert.employer
        pool_role_grant(actor=actor, user=user, pool=pool, role=role, organisation=organisation)
        if role == Role.EXPERT and expert is not None:
            _link_expert(expert, user, pool, actor=actor)


def _user(username: str, *, password: str, actor: User | None, display_name: str, superuser: bool = False) -> User:
    user = User.objects.create(
        username=username,
        password=password,
        email=f"{username}@example.cn",
        display_name=display_name,
        is_staff=superuser,
        is_superuser=superuser,
    )
    audit_log(actor=actor, action="user.created", target=user, data={"username": username, "superuser": superuser})
    return user


def _link_expert(expert: Expert, user: User, pool: Pool, *, actor: User) -> None:
    expert.user = user
    expert.save(update_fields=["user"])
    audit_log(actor=actor, action="expert.user_linked", target=expert, pool=pool, data={"user": user.username})
