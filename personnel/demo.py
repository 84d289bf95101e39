"""Demo province: the department, its centres, 14 city bureaus with their
county branches, ~330 cadres over the five teams, and one account per role.

Idempotent: units are matched by code and cadres by staff number.
"""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from . import roles
from .choices import Education, Rank, UnitKind
from .id_numbers import id_number_make
from .models import Cadre, Team, Unit

DEMO_PASSWORD = "Demo-2026!"  # noqa: S105 - documented demo accounts

CENTRES = [
    ("GS-S-JC", "甘肃省生态环境监测中心", "monitoring"),
    ("GS-S-ZF", "甘肃省生态环境保护综合行政执法局", "enforcement"),
    ("GS-S-PG", "甘肃省环境工程评估中心", "eia"),
    ("GS-S-YJ", "甘肃省环境应急与事故调查中心", "emergency"),
]

CITIES = [
    (
        "LZ",
        "兰州市",
        "6201",
        [
            "城关区",
            "七里河区",
            "西固区",
            "安宁区",
            "红古区",
            "永登县",
            "皋兰县",
            "榆中县",
        ],
    ),
    ("JYG", "嘉峪关市", "6202", ["雄关区", "镜铁区"]),
    ("JC", "金昌市", "6203", ["金川区", "永昌县"]),
    ("BY", "白银市", "6204", ["白银区", "平川区", "靖远县", "会宁县", "景泰县"]),
    (
        "TS",
        "天水市",
        "6205",
        ["秦州区", "麦积区", "清水县", "秦安县", "甘谷县", "武山县", "张家川县"],
    ),
    ("WW", "武威市", "6206", ["凉州区", "民勤县", "古浪县", "天祝县"]),
    (
        "ZY",
        "张掖市",
        "6207",
        ["甘州区", "肃南县", "民乐县", "临泽县", "高台县", "山丹县"],
    ),
    (
        "PL",
        "平凉市",
        "6208",
        ["崆峒区", "泾川县", "灵台县", "崇信县", "华亭市", "庄浪县", "静宁县"],
    ),
    (
        "JQ",
        "酒泉市",
        "6209",
        ["肃州区", "金塔县", "瓜州县", "肃北县", "阿克塞县", "玉门市", "敦煌市"],
    ),
    (
        "QY",
        "庆阳市",
        "6210",
        ["西峰区", "庆城县", "环县", "华池县", "合水县", "正宁县", "宁县", "镇原县"],
    ),
    (
        "DX",
        "定西市",
        "6211",
        ["安定区", "通渭县", "陇西县", "渭源县", "临洮县", "漳县", "岷县"],
    ),
    (
        "LN",
        "陇南市",
        "6212",
        [
            "武都区",
            "成县",
            "文县",
            "宕昌县",
            "康县",
            "西和县",
            "礼县",
            "徽县",
            "两当县",
        ],
    ),
    (
        "LX",
        "临夏州",
        "6229",
        [
            "临夏市",
            "临夏县",
            "康乐县",
            "永靖县",
            "广河县",
            "和政县",
            "东乡县",
            "积石山县",
        ],
    ),
    (
        "GN",
        "甘南州",
        "6230",
        [
            "合作市",
            "临潭县",
            "卓尼县",
            "舟曲县",
            "迭部县",
            "玛曲县",
            "碌曲县",
            "夏河县",
        ],
    ),
]

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
    "彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金"
    "石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉"
    "建国志宏文斌晓燕海波宁瑞琳雪梅丹峰浩然思远嘉欣子涵俊杰梓轩雨"
    "萱一鸣佳怡正阳永福春生"
)
POSITIONS = {
    "enforcement": ["执法人员", "执法大队队长", "法制审核员", "案件审查员"],
    "monitoring": ["监测员", "质量管理员", "实验室主任", "自动站运维员"],
    "supervision": ["督察专员", "督察整改联络员", "综合科科长"],
    "eia": ["环评审查员", "规划环评科科长", "三线一单技术员"],
    "emergency": ["应急值守员", "应急科科长", "风险防控专员"],
}
RANK_WEIGHTS = [
    (Rank.LEVEL2_INSPECTOR, 1),
    (Rank.LEVEL1_RESEARCHER, 2),
    (Rank.LEVEL2_RESEARCHER, 3),
    (Rank.LEVEL3_RESEARCHER, 4),
    (Rank.LEVEL4_RESEARCHER, 6),
    (Rank.LEVEL1_PRINCIPAL, 8),
    (Rank.LEVEL2_PRINCIPAL, 10),
    (Rank.LEVEL3_PRINCIPAL, 12),
    (Rank.LEVEL4_PRINCIPAL, 14),
    (Rank.LEVEL1_CLERK, 20),
    (Rank.LEVEL2_CLERK, 20),
]
EDUCATION_WEIGHTS = [
    (Education.COLLEGE, 10),
    (Education.BACHELOR, 55),
    (Education.MASTER, 30),
    (Education.DOCTORATE, 5),
]

# (username, name, unit code, role, teams, rank, position, birth date)
DEMO_ACCOUNTS = [
    (
        "learner",
        "张明",
        "GS-LZ-01",
        roles.LEARNER,
        ["enforcement"],
        Rank.LEVEL1_CLERK,
        "执法人员",
        dt.date(1994, 3, 12),
    ),
    (
        "trainer",
        "王静",
        "GS",
        roles.TRAINER,
        ["supervision", "enforcement"],
        Rank.LEVEL2_RESEARCHER,
        "人事处培训科科长",
        dt.date(1982, 9, 5),
    ),
    (
        "hr",
        "李华",
        "GS",
        roles.HR,
        ["supervision"],
        Rank.LEVEL1_RESEARCHER,
        "人事处处长",
        dt.date(1978, 11, 23),
    ),
    (
        "unitadmin",
        "赵强",
        "GS-LZ",
        roles.UNIT_ADMIN,
        ["enforcement"],
        Rank.LEVEL1_PRINCIPAL,
        "办公室主任",
        dt.date(1986, 6, 30),
    ),
]


def load_demo(*, stdout) -> None:
    units = _units()
    teams = {team.code: team for team in Team.objects.all()}
    created = _cadres(units, teams)
    _accounts(units, teams)
    stdout.write(
        f"personnel: {Unit.objects.count()} units, "
        f"{Cadre.objects.count()} cadres ({created} new)"
    )


def _get_or_add(parent, *, code, name, kind):
    existing = Unit.objects.filter(code=code).first()
    if existing:
        return existing
    if parent is None:
        return Unit.add_root(code=code, name=name, kind=kind)
    return Unit.objects.get(pk=parent.pk).add_child(code=code, name=name, kind=kind)


def _units() -> dict[str, Unit]:
    root = _get_or_add(
        None, code="GS", name="甘肃省生态环境厅", kind=UnitKind.DEPARTMENT
    )
    units = {"GS": root}
    for code, name, _team in CENTRES:
        units[code] = _get_or_add(root, code=code, name=name, kind=UnitKind.CENTRE)
    for abbr, city, _region, counties in CITIES:
        city_unit = _get_or_add(
            root, code=f"GS-{abbr}", name=f"{city}生态环境局", kind=UnitKind.CITY
        )
        units[city_unit.code] = city_unit
        for index, county in enumerate(counties, start=1):
            code = f"GS-{abbr}-{index:02d}"
            units[code] = _get_or_add(
                city_unit,
                code=code,
                name=f"{city}生态环境局{county}分局",
                kind=UnitKind.COUNTY,
            )
    return units


def _staffing(units):
    """How many cadres each unit gets, and its main team (None = mixed)."""
    plan = [("GS", 16, None)]
    plan += [(code, 12, team) for code, _name, team in CENTRES]
    for abbr, _city, _region, counties in CITIES:
        plan.append((f"GS-{abbr}", 8, None))
        plan += [
            (f"GS-{abbr}-{i:02d}", 2, "enforcement")
            for i in range(1, len(counties) + 1)
        ]
    return plan


def _cadres(units, teams) -> int:
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    existing = set(Cadre.objects.values_list("employee_no", flat=True))
    password = make_password(DEMO_PASSWORD)
    User = get_user_model()
    learner_group = Group.objects.get(name=roles.GROUP_NAMES[roles.LEARNER])
    team_codes = list(teams)
    new_cadres, team_links, serial = [], [], 0
    for unit_code, count, main_team in _staffing(units):
        for _ in range(count):
            serial += 1
            employee_no = f"GS{serial:05d}"
            if employee_no in existing:
                continue
            cadre, codes = _random_cadre(
                rng, serial, units[unit_code], main_team, team_codes
            )
            cadre.employee_no = employee_no
            user = User(username=employee_no, password=password, first_name=cadre.name)
            new_cadres.append((user, cadre, codes))
    if not new_cadres:
        return 0
    users = User.objects.bulk_create([user for user, _c, _t in new_cadres])
    learner_group.user_set.add(*users)
    for user, (_u, cadre, _codes) in zip(users, new_cadres, strict=True):
        cadre.user = user
    cadres = Cadre.objects.bulk_create([cadre for _u, cadre, _t in new_cadres])
    through = Cadre.teams.through
    for cadre, (_u, _c, codes) in zip(cadres, new_cadres, strict=True):
        team_links += [through(cadre_id=cadre.pk, team_id=teams[c].pk) for c in codes]
    through.objects.bulk_create(team_links)
    return len(cadres)


def _random_cadre(rng, serial, unit, main_team, team_codes):
    birth = dt.date(rng.randint(1966, 2000), rng.randint(1, 12), rng.randint(1, 28))
    female = rng.random() < 0.42
    sequence = rng.randrange(0, 499) * 2 + (0 if female else 1)
    region = _region_for(unit)
    name = rng.choice(SURNAMES) + "".join(
        rng.choice(GIVEN) for _ in range(rng.choice([1, 2]))
    )
    if serial == 7:
        name = "刘䶮"  # a rare character that certificates must print
    primary = main_team or rng.choice(team_codes)
    codes = [primary] + ([rng.choice(team_codes)] if rng.random() < 0.2 else [])
    codes = list(dict.fromkeys(codes))
    ranks, weights = zip(*RANK_WEIGHTS, strict=True)
    edus, edu_weights = zip(*EDUCATION_WEIGHTS, strict=True)
    joined = dt.date(max(birth.year + 22, 1988), rng.randint(1, 12), 1)
    cadre = Cadre(
        name=name,
        id_number=id_number_make(region=region, birth_date=birth, sequence=sequence),
        gender="female" if female else "male",
        birth_date=birth,
        education=rng.choices(edus, edu_weights)[0],
        rank=rng.choices(ranks, weights)[0],
        position=rng.choice(POSITIONS[primary]),
        unit=unit,
        joined_on=joined,
        phone=f"139{rng.randint(10_000_000, 99_999_999)}",
    )
    return cadre, codes


def _region_for(unit) -> str:
    for abbr, _city, region, _counties in CITIES:
        if unit.code.startswith(f"GS-{abbr}"):
            return region + "02"
    return "620102"


def _accounts(units, teams) -> None:
    User = get_user_model()
    for index, (
        username,
        name,
        unit_code,
        role,
        codes,
        rank,
        position,
        birth,
    ) in enumerate(DEMO_ACCOUNTS):
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=roles.GROUP_NAMES[role]))
        if not Cadre.objects.filter(user=user).exists():
            cadre = Cadre.objects.create(
                user=user,
                employee_no=f"DEMO{index + 1:03d}",
                name=name,
                id_number=id_number_make(
                    region="620102", birth_date=birth, sequence=900 + index * 2 + 1
                ),
                gender="male",
                birth_date=birth,
                education=Education.BACHELOR,
                rank=rank,
                position=position,
                unit=units[unit_code],
                joined_on=dt.date(birth.year + 23, 7, 1),
                phone="13900000000",
            )
            cadre.teams.set([teams[c] for c in codes])
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
