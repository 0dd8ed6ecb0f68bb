"""Every text a resident or staff member reads, in one place, plus how times are said."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import callbacks as _cb  # button data is built by the codec; texts keep the labels
from domain.errors import (
    DomainError,
    InvalidTransition,
    InvalidValue,
    NoCommunity,
    NotAllowed,
    NotApprover,
    NotFound,
    NotOwnContact,
    NotVerifiedResident,
    OutOfReach,
    PhoneTaken,
    StaffOnly,
    ViewOnly,
)

WEEKDAYS = "一二三四五六日"

# --- menu and small talk -------------------------------------------------------------
GREETING = "您好！我是{community}的小助手。\n您可以直接说要办的事，比如“3幢楼道灯坏了”，或者点下面的按钮。"
MENU = "请问要办什么？点下面的按钮，或者直接说。"
HELP = (
    "我可以帮您：\n"
    "· 报修、反映问题：直接说哪里出了什么问题\n"
    "· 提建议：说“我有个建议”\n"
    "· 查进度：说“查进度”\n"
    "任何时候说“菜单”回到这里，说“取消”停下正在办的事。"
)
ASK_CONTACT = "为了方便社区联系您，请点下面的“分享手机号”。不分享也可以先用。"
SHARE_CONTACT_BUTTON = "分享手机号"
NOT_UNDERSTOOD = "没听明白，您可以说“我要报修”或点下面的按钮。"
THANKS_REPLY = "不客气！还有别的事随时找我。"
BYE_REPLY = "好的，再见！有事随时找我。"
STOPPED = "好的，已经取消了。还有别的事随时说。"
NOTHING_TO_STOP = "好的。还有别的事随时说。"
SYSTEM_ERROR = "抱歉，系统出了点问题，刚才这句没能办好，请再发一次。之前填好的内容都还在。"

MENU_BUTTONS = _cb.MENU.rows((
    (("我要报修", "report"), ("提建议", "suggest")),
    (("查进度", "status"), ("小区公开栏", "public")),
    (("避灾点", "shelter"), ("惠民政策", "policy")),
    (("我的信息", "me"),),
))

# --- identity -------------------------------------------------------------------------
BOUND_VERIFIED = "谢谢！已核实您是{estate}的居民。"
BOUND_UNVERIFIED = "谢谢！已记下您的手机号。社区工作人员核实后会告诉您，现在就可以先用。"
RESIDENT_VERIFIED = "社区已经核实了您的身份，谢谢配合！"
MY_DATA = "我们保存的您的信息：\n姓名：{name}\n手机：{phone}\n地址：{address}\n标签：{tags}\n状态：{verified}"
MY_DATA_NONE = "我们还没有保存您的任何信息。"
CONFIRM_ERASE = "确定要删除您的个人信息吗？您的报修记录会保留，但不再和您关联。"
ERASED = "已删除您的个人信息。以后需要时，重新分享手机号就可以。"

# --- ops workstream ------------------------------------------------------------------
CONTACT_NOT_OWN = "为保护您的信息，只能用您本人的手机号登记，请点下面的“分享手机号”。"
CARD_UNREACHABLE = "\n居民已停用机器人，请电话联系"
DIGEST_UNDELIVERED = "\n有{n}条消息没能送达，请运行 cunshe outbox failed 查看并重发"
OUTBOX_STATUS = {"failed": "发送失败", "blocked": "已被屏蔽"}

# --- reports --------------------------------------------------------------------------
FORM_NAMES = {"repair": "报修", "problem": "问题反映", "suggestion": "建议"}
ASK_DESCRIPTION = {
    "repair": "请说一下哪里坏了、什么情况。",
    "problem": "请说一下遇到了什么问题。",
    "suggestion": "请说说您的建议。",
}
ASK_CATEGORY = "这属于哪一类？点一下就行。"
ASK_PLACE = "在哪个小区？点小区名，或者直接说“{example}3幢2单元”。"  # example: their own first 小区
PLACE_UNKNOWN = "没找到这个小区。请点下面的小区名，或者发送位置。"
SEND_LOCATION_BUTTON = "发送我的位置"
ASK_LOCATION = "请点下面的“发送位置”按钮。"
ASK_REPORT_CONTACT = "社区可能需要联系您。请点“分享手机号”，不方便就点“跳过”。"
SKIP = "跳过"
PHOTO_SAVED = "照片收到了（共{n}张）。"
LOCATION_SAVED = "位置收到了。"
CONFIRM_REPORT = "请您核对一下：\n类别：{category}\n地点：{place}\n内容：{description}{photos}\n没问题就点“确认提交”。"
CONFIRM_BUTTONS_SUGGESTION = (
    (_cb.FORM.button("确认提交", "yes"),),
    (_cb.FORM.button("改地点", "edit", "place"), _cb.FORM.button("改内容", "edit", "description")),
    (_cb.FORM.button("取消", "no"),),
)
PLACE_WHOLE_COMMUNITY = "全社区"
WHAT_TO_CHANGE = "要改哪里？点一下就行。"
CATEGORY_RETRY = "请点下面的一个类别。"
STALE_STEP = "这一步已经过去了。请问要办什么？"
CONFIRM_BUTTONS = (
    (_cb.FORM.button("确认提交", "yes"),),
    (_cb.FORM.button("改地点", "edit", "place"), _cb.FORM.button("改类别", "edit", "category"),
     _cb.FORM.button("改内容", "edit", "description")),
    (_cb.FORM.button("取消", "no"),),
)
DUPLICATE_HINT = "附近已经有人反映过：\n{category} · {place}\n现在是{status}。是同一件事吗？"
DUPLICATE_BUTTONS = ((_cb.FORM.button("是同一件，帮我关注进度", "dup", "follow"),),
                     (_cb.FORM.button("不是，继续提交", "dup", "new"),))
FOLLOWING = "好的，已帮您关注这件事。有进展会第一时间告诉您。"
FILED = "已登记。您的工单号是 {number}。\n社区会在{accept_by}前受理，办好后第一时间告诉您。"
FILED_SUGGESTION = "已收到您的建议，编号 {number}。谢谢您为社区出主意！社区会在{accept_by}前回复您。"
SWITCH_FORM = "您正在登记{current}。要先放下它，去办“{target}”吗？"
SWITCH_BUTTONS = ((_cb.FORM.button("是，去办新的", "switch", "yes"), _cb.FORM.button("不，继续登记", "switch", "no")),)
CONTINUE_FORM = "好的，我们继续。"
FORM_EXPIRED = "您刚才的{form}登记超过{minutes}分钟没有继续，已经帮您取消了。需要的话请重新说一下。"
IN_FORM_HELP = "您正在登记{form}，请回答上面的问题；说“取消”可以停下。"

# --- dialogue workstream ---
# More of the story inside a form: noted, and at most a short reminder of the open question.
NOTED = "已记下。"
NOTED_REMINDERS = {
    "category": "这属于哪一类？点上面的类别就行。",
    "place": "在哪个小区？直接说小区名就行。",
}
NOTED_CONFIRM = "说完了就点“确认提交”。"
NOTED_DUPLICATE = "上面那件和您说的是同一件事吗？"
# A rating typed instead of pressed: say which report it went to.
RATED_TYPED = "谢谢您的评价！您的{kind}（{number}）：{stars}分。"

STATUS_CHANGED = {
    "accepted": "您的{kind}（{number}）社区已受理，正在安排处理。",
    "in_progress": "您的{kind}（{number}）正在处理中。",
    "resolved": "您的{kind}（{number}）已办结。{note}\n请给这次服务打个分：",
    "rejected": "您的{kind}（{number}）暂不受理。{note}",
    "duplicate": "您的{kind}（{number}）和已有的事项重复，社区会一并处理。{note}",
    "transferred": "您的{kind}（{number}）已转交相关部门办理：{note}",
    "pending": "您的{kind}（{number}）已重新打开，社区会尽快处理。",
}
RATE_BUTTONS_LABELS = ("1分", "2分", "3分", "4分", "5分")
REOPEN_BUTTON = "问题没解决，重新打开"
RATED = "谢谢您的评价（{stars}分）！"
REOPEN_ASK = "请说一下哪里还没解决？"
REOPENED = "已重新打开您的{kind}（{number}），社区会尽快处理。"

NO_REPORTS = "您还没有报修或建议记录。要报修的话，直接说哪里有问题就行。"
MY_REPORTS = "您的记录（最近{n}条）："
REPORT_LINE = "{number} · {category} · {status}（{when}提交）"
REPORT_DETAIL = "工单号：{number}\n类别：{category}\n地点：{place}\n内容：{description}\n状态：{status}\n{history}"
VIEW_BUTTON = "看 {number}"
PUBLIC_PICK = "看哪个小区的“你说我做”？"
PUBLIC_EMPTY = "{estate}最近没有事项。"
PUBLIC_LIST = "{estate} · 你说我做（最近{n}件）："
PUBLIC_LINE = "· {category}{building} — {status}（{when}）"


# --- care workstream -------------------------------------------------------------------
# Emergencies: the first reply is these two lines (what to do now, the number to call).
EMERGENCY_ADVICE = {
    "gas": "⚠️ 有燃气味：别开关电器、别点火、别在屋里打电话，马上开窗，关燃气总阀，人到室外。",
    "fire": "⚠️ 着火了：先保护自己，弯腰捂住口鼻，走楼梯下楼，不要坐电梯，不要回去拿东西。",
    "smoke": "⚠️ 有烟：先弯腰捂住口鼻离开，走楼梯不坐电梯；能看到火就马上报火警。",
    "lift_trapped": "⚠️ 被困电梯：请保持冷静，按电梯里的警铃，不要扒门、不要自己爬出来。",
    "injury": "⚠️ 有人摔伤：不要急着扶起来或挪动，先看清醒不清醒、有没有流血，给他保暖。",
    "flooding": "⚠️ 家里进水：先关总水阀；脚下有水时不要碰电闸和电器，人先到高处或屋外。",
}
EMERGENCY_CALL = "到安全的地方马上拨打：{numbers}。社区这边我马上帮您登记。"
EMERGENCY_NUMBER = "{name} {number}"
EMERGENCY_JOIN = "，"
FILED_URGENT = "已按紧急情况登记，工单号 {number}。\n社区已经通知网格员和书记，会在{accept_by}前联系您。"
CARD_URGENT = "【紧急】"

# The community office, and the requests the bot cannot take yet.
OFFICE = "{community}居委会\n电话：{phone}\n地址：{address}\n办公时间：{hours}"
OFFICE_CALL = "打社区电话 {phone}（{hours}）"
OFFICE_UNKNOWN = "在工作日到社区办理"
OFFICE_NONE = "社区的电话和地址还没有登记，请在工作日到社区办理。"
COMING_SOON_RELAY = "“{what}”很快就能在这里办。现在可以{call}。\n也可以把您的需求转给社区工作人员，他们会联系您。"
RELAY_ASK_CONTACT = "工作人员要打电话联系您，请点下面的“分享手机号”。"
RELAY_BUTTONS = _cb.MENU.rows(((("转给工作人员", "relay"),), (("回到菜单", "menu"),)))
RELAY_DONE = "已经转给社区工作人员了，编号 {number}。\n他们会在{accept_by}前联系您。"
RELAY_NOTHING = "这个需求已经转过了，或者时间太久了。请直接说一下您要办的事。"
RELAY_CATEGORY = "居民需求"
RELAY_DESCRIPTION = "【{what}】{text}"

# Shelters: the three nearest open ones, with distance.
SHELTERS_NEAR = "离{where}最近的避灾点：\n{lines}\n台风、暴雨时请带好证件和常用药，听从社区安排。"
SHELTER_NEAR_LINE = "· {name}：{distance}，{address}，可容纳{capacity}人"
SHELTER_WHERE_POINT = "您的位置"
SHELTER_WHERE_HOME = "您家（{estate}）"
SHELTER_NONE_OPEN = "现在没有开放的避灾点，请{call}。"
ASK_SHELTER_WHERE = ("请点下面的“发送我的位置”，我帮您找最近的避灾点。\n"
                     "也可以直接说小区名，比如“{example}附近的避灾点”。")
DISTANCE_METRES = "约{n}米"
DISTANCE_KM = "约{n}公里"

# --- ws-citynlu ---
# An estate named that is not in the resident's community: asked, never guessed.
ESTATE_ELSEWHERE = "{estate}是{place}的小区。您说的是这里吗？"
ESTATE_WHICH = "好几个社区都有叫{estate}的小区。您说的是哪个社区的？"
ESTATE_YES = "是，{place}"
ESTATE_NO = "不是"
ESTATE_NONE_OF = "都不是"
ESTATE_CHOSEN = "好的，按{place}的{estate}登记。"
ESTATE_WHERE = "{estate}（{place}）"

# --- how reports are shown (cards, lists) ----------------------------------------------
CATEGORY_SUGGESTION = "建议"
CATEGORY_OTHER = "其他"
PLACE_SHARED = "居民发送的位置"
PLACE_POINT = "位置 {lat:.5f}, {lon:.5f}"
PLACE_NONE = "未填写"
PHOTOS_LINE = "\n照片：{n}张"
FORM_DEFAULT = "登记"
STAFF_BUTTONS = {
    "acc": "受理", "asg": "转派", "done": "办结", "rej": "不予受理", "prog": "开始处理",
    "ph": "查看联系方式", "pic": "看照片（{n}张）",
}
CARD_NO_RESIDENT = "未留联系方式"
CARD_NO_PHONE = "未留电话"
CARD_RESIDENT = "{initial}**（{phone}）{unverified}"
CARD_UNVERIFIED = " 未核实"
CARD_DUE = "{when}前{stage}"
CARD_CLOSED = "已结束"
STAGE_ACCEPT = "受理"
STAGE_RESOLVE = "办结"
NOBODY = "未指定"
REPORT_GONE = "已删除"
REPORT_CHANGED = "已变化"
REOPEN_TOO_LATE = "这件事已经超过{days}天，不能重新打开了。您可以重新报修，我们马上处理。"
DIGEST_RATING = "\n平均评分：{rating:.1f}分"

# --- my data --------------------------------------------------------------------------
MY_DATA_NONE_FIELD = {"phone": "未留", "address": "未登记", "tags": "无"}
MY_DATA_VERIFIED = {True: "已核实", False: "待社区核实"}
MY_DATA_BUTTONS = ((_cb.MY_DATA.button("删除我的信息", "erase"),), (_cb.MENU.button("返回菜单", "menu"),))
ERASE_BUTTONS = ((_cb.MY_DATA.button("确认删除", "erase_yes"), _cb.MENU.button("算了", "menu")),)

# --- names of things residents may ask for mid-form, or that are not open yet ----------
SWITCH_OTHER = "别的事"
SWITCH_NAMES = {
    "report_issue": "报修", "suggest": "提建议", "contact_office": "联系社区", "ask_help": "求助",
    "check_status": "查进度", "book_service": "预约服务", "request_seal": "开证明",
    "find_shelter": "找避灾点", "ask_policy": "问政策", "public_info": "看公开栏",
    "cancel_booking": "取消预约", "volunteer": "当志愿者", "subscribe": "订阅消息",
    "unsubscribe": "退订消息", "rate_property": "评价",
}
COMING_SOON_NAMES = {
    "book_service": "预约上门服务", "cancel_booking": "取消预约", "request_seal": "云盖章开证明",
}

# --- staff ----------------------------------------------------------------------------
STAFF_CARD = (
    "【{kind}】{number}\n状态：{status}{assignee}\n类别：{category}\n地点：{place}\n"
    "内容：{description}{photos}\n居民：{resident}\n时限：{deadline}"
)
STAFF_NOT_ALLOWED = "只有负责这个网格的社区工作人员可以操作。"
STAFF_STALE = "这个按钮已过期：工单现在是“{status}”。"
STAFF_DONE = "已{action}。"
STAFF_PICK_ASSIGNEE = "转派给谁？"
STAFF_ASSIGNED = "{number} 已转派给{name}。"
STAFF_CONTACT = "{name} {phone}"
STAFF_NO_CONTACT = "这位居民没有留电话。"
STAFF_VERIFY_CARD = (
    "【待核实居民】{name}（{phone}），编号{id}\n手机号不在花名册里。核实身份后点“已核实”；"
    "要登记地址请用 cunshe residents verify {id} --estate 小区 --building 幢。"
)
VERIFY_BUTTON = "已核实"
STAFF_VERIFIED = "已核实（{staff}）：{name}"
STAFF_TASKS = "您负责的待办（{n}件，最急的在前）："
STAFF_TASKS_LINE = "· {number} {category} · {status} · {due}"
STAFF_TASKS_EMPTY = "您负责的工单都办完了，辛苦了！"
STAFF_PHOTOS = "{number} 居民发来的照片（{n}张）。"
STAFF_NEW_ASSIGNMENT = "您有一条新转派的工单："
STAFF_OVERDUE_ACCEPT = "⏰ {number} 已超过受理时限（{due}），请尽快受理。"
STAFF_OVERDUE_RESOLVE = "⏰ {number} 已超过办结时限（{due}），请尽快办结。"
STAFF_ESCALATION = "⚠️ 督办：{number}（{category}·{place}）{stage}已超时，负责人：{assignee}。"
STAFF_RATED = "{number} 居民评价：{stars}分。"
DIGEST = (
    "📋 每日汇总（{date}）\n新登记：{new}件\n待受理：{pending}件\n处理中：{open}件\n"
    "已超时：{overdue}件\n昨日办结：{resolved}件{rating}"
)
# --- staff workstream ---
STALE_BUTTON = "这个按钮已经过期了。请看最新的消息，或者说“菜单”。"
STAFF_ACTED_BY = "{name}已经把这件事改成“{status}”了，这是最新的工单。"
STAFF_ASK_REASON = "请回复{action}的原因。发出前会请您确认；说“取消”就不办，{minutes}分钟内有效。"
STAFF_ASK_RESOLUTION = "请简单写一下办了什么，比如“已更换灯泡”。不写就点“跳过”；说“取消”就不办。"
STAFF_NOTE_CONFIRM = "{number} {action}，说明是：\n“{note}”\n要让居民看到这段说明吗？"
STAFF_NOTE_PUBLIC = "发给居民"
STAFF_NOTE_INTERNAL = "仅内部记录"
STAFF_NOTE_SKIP = "跳过"
STAFF_NOTE_CANCEL = "取消"
STAFF_NOTE_CANCELLED = "好的，{number} 没有改动。"
STAFF_NOTE_EXPIRED = "刚才{number}的{action}超过{minutes}分钟没有写说明，已经取消，工单没有改动。"
STAFF_NOTE_EMPTY = "说明不能是空的，请再写一下；说“取消”就不办。"
STAFF_VERIFIED_ALREADY = "这位居民已经核实过了。"
STAFF_NOT_A_REPORT = (
    "您是社区工作人员，这句话我没有当成报修。\n"
    "替居民登记请说“我要报修”；看您的待办请说“待办”；也可以直接发工单号。"
)
STATUS_NOTE = {"resolved": "办理情况：{note}", "rejected": "原因：{note}"}
STATUS_NO_NOTE = {"rejected": "有疑问可以联系社区工作人员。"}
FOLLOWER_CHANGED = {
    "accepted": "您关注的{kind}（{number}）社区已受理，正在安排处理。",
    "in_progress": "您关注的{kind}（{number}）正在处理中。",
    "resolved": "您关注的{kind}（{number}）已办结。\n请给这次服务打个分：",
    "rejected": "您关注的{kind}（{number}）社区暂不受理。",
    "duplicate": "您关注的{kind}（{number}）和已有的事项重复，社区会一并处理。",
    "transferred": "您关注的{kind}（{number}）已转交相关部门办理。",
    "pending": "您关注的{kind}（{number}）已重新打开，社区会尽快处理。",
}
FOLLOWED_LINE = "{number} · {category} · {status}（您关注的）"
FOLLOWED_DETAIL = "您关注的事项：{number}\n类别：{category}\n地点：{place}\n状态：{status}\n{history}"
STAFF_RATED_FOLLOWER = "{number} 关注这件事的居民评价：{stars}分。"
ACTION_LABELS = {"acc": "受理", "prog": "开始处理", "done": "办结", "rej": "不予受理", "dup": "标为重复"}


# --- nlu workstream ---
LOCAL_KEY_CREATED = "已在本机生成加密密钥（{path}），请妥善保管：丢失后已存的个人信息将无法读取。"


def local_key_created(path: str) -> str:
    """The one line shown when the local key file is first made."""
    return LOCAL_KEY_CREATED.format(path=path)


# --- certificates ---
FORM_NAMES["seal"] = "开证明"  # the open form's name in reminders and timeouts
SEAL_NEED_CONTACT = "开证明需要先核实您的身份。请点下面的按钮把手机号发给我，核实后就可以在这里开证明了。"
HELD_EXPIRED = "您刚才要办的“{what}”已经等了超过{minutes}分钟，先放下了。需要的话请再说一次。"
CONTACT_STILL_NEEDED = "已记下。请先点下面的按钮把手机号发给我，核实后马上接着办。"
SEAL_NEED_VERIFIED = "开证明需要社区先核实您的身份，核实后就可以在这里开了。着急的话可以{call}。"
SEAL_PICK = "您要开哪种证明？请点下面的按钮。"
SEAL_NOT_FOR_RESIDENTS = "这种证明需要到社区办理。{call}"
SEAL_ASK_PURPOSE = "开这个证明做什么用？比如：孩子上学、办社保。"
SEAL_ASK_USED_AT = "证明要交给哪个单位？比如：实验小学、工商银行。"
SEAL_FIELD_LABELS = {"purpose": "用途", "used_at": "提交单位"}
SEAL_CONFIRM = ("请核对您的{template}：\n姓名：{name}\n身份证号：{id_number}\n地址：{address}\n{lines}\n"
                "信息没问题请点“提交”；姓名、身份证号或地址不对，请打电话给社区更正。")
SEAL_SUBMIT = "提交"
SEAL_CANCEL = "取消"
SEAL_FILED = ("已提交，编号 {number}。社区会在{due}前审核，办好后会把盖章的证明发到这里。"
              "您可以随时发这个编号查进度。")
SEAL_STATUS = {"pending": "审核中", "approved": "已办好", "rejected": "未通过"}
SEAL_SHOW = "您的{template}（{number}）：{status}。"
SEAL_MINE = "您的证明申请："
SEAL_MINE_LINE = "{number} · {template} · {status}（{when}提交）"
SEAL_STAFF_CARD = ("【云盖章】{number}\n{template}\n申请人：{name}（{id_number}）\n地址：{address}\n"
                   "{lines}\n审核期限：{due}")
SEAL_APPROVE = "批准"
SEAL_REJECT = "驳回"
SEAL_APPROVED_STAFF = "{number} 已批准，证明已签发（{staff}）。"
SEAL_ASK_REJECT = "请输入驳回 {number} 的原因，会告诉居民（{minutes}分钟内有效）。"
SEAL_REJECTED_STAFF = "{number} 已驳回（{staff}），原因已告诉居民。"
SEAL_REJECT_CANCELLED = "已取消驳回 {number}。"
SEAL_REJECT_EXPIRED = "驳回 {number} 已超过{minutes}分钟没有写原因，已取消。需要的话请再点一次“驳回”。"
SEAL_DECIDED_ALREADY = "这份申请已经处理过了。"
SEAL_TO_RESIDENT_OK = ("您的{template}（{number}）已经办好了，盖章的证明在下面。"
                       "收到证明的单位可以扫码，或用核验码 {code} 核验真伪。")
SEAL_TO_RESIDENT_REJECTED = "很抱歉，您的{template}申请（{number}）没有通过。原因：{reason}\n{call}"
VERIFY_ASK = "请在 /verify 后面加上证明上的核验码，比如：/verify ABCD234567"
VERIFY_GENUINE = ("✅ 这份证明是真的，由{community}出具。\n证明：{template}\n姓名：{name}\n"
                  "身份证号：{id_number}\n出具日期：{issued}\n编号：{number}")
VERIFY_REVOKED = ("⚠️ 这份证明已于{revoked}被{community}撤销，不能再使用。\n证明：{template}\n"
                  "姓名：{name}\n身份证号：{id_number}\n出具日期：{issued}\n编号：{number}")
VERIFY_UNKNOWN = "❌ 没有查到这个核验码。这份证明可能是伪造的，请向出具证明的社区核实。"
VERIFY_SLOW = "核验太频繁了，请一分钟后再试。"
VERIFY_PAGE_TITLE = "证明核验"
VERIFY_PAGE_FOOT = "本页只显示证明上已写明的信息。"
CERT_SERIAL = "编号：{number}"
CERT_SEAL_NAME = "{community}居民委员会"  # along the seal's arc, as on the office's paper seal
CERT_SEAL_LABEL = "证明专用章"
CERT_CODE = "核验码：{code}"
CERT_SCAN = "扫码或打开 {url} 核验真伪"
CERT_SIGNED_NOTE = "本证明带有电子签名，任何改动都会使签名失效。"
CERT_CA_NAME = "{community} 电子印章根证书"  # the X.509 names readers show for the signature
CERT_SIGNER_NAME = "{community} 证明专用章"


def seal_date(at: datetime, zone: ZoneInfo | None = None) -> str:
    """2026年12月2日, as a certificate's dates are read (in `zone`, else as given)."""
    local = at.astimezone(zone) if zone else at
    return f"{local.year}年{local.month}月{local.day}日"


# --- bookings ---
BOOK_PICK_SERVICE = "您想预约哪项服务？点下面的按钮（第{page}/{pages}页）：\n{lines}"
BOOK_CATEGORY = {"affairs": "政务超市", "care": "颐养超市"}
BOOK_GROUP_LINE = "【{group}】{items}"
BOOK_PRICE_FREE = "免费"
BOOK_PRICE = "{price}元/次"
BOOK_PRICE_SHORT = "{price}元"
BOOK_SUBSIDY_SHORT = "，可用补贴"
BOOK_SUBSIDY = "（可用{subsidy}）"
BOOK_NEXT_PAGE = "下一页"
BOOK_PREV_PAGE = "上一页"
BOOK_ASK_WHO = "这次是给谁约{service}？"
BOOK_WHO_SELF = "给我自己"
BOOK_WHO_FAMILY = "给家里老人"
BOOK_ASK_PERSON = (
    "请告诉我{who}的姓名和手机号（或身份证后四位），例如：王秀英 13812345678，或 王秀英 0213。\n"
    "我们只用它在社区名册上核对，核对前不会告诉您任何信息。")
BOOK_ASK_PERSON_AGAIN = (
    "没看到手机号或身份证后四位。请发姓名和手机号（或身份证后四位），例如：王秀英 13812345678。")
BOOK_ASK_PERSON_PHONE = "记下了：{name}。还要{who}的手机号（或身份证后四位），例如：13812345678。"
BOOK_ASK_PERSON_STILL = "已记下。还要{who}的姓名和手机号（或身份证后四位），例如：王秀英 13812345678。"
BOOK_ASK_TIME = "想约哪天几点？可以直接说“明天下午两点”，也可以点下面的时间："
BOOK_NOT_FREE = {
    "outside_hours": "{service}的服务时间是{days}{start}–{end}，{when}不在服务时间内。",
    "too_soon": "{service}需要提前{hours}小时预约，{when}来不及安排了。",
    "too_far": "{service}最多可以约{days}天以内的时间。",
    "full": "{when}的{service}已经约满了。",
}
BOOK_NOT_A_START = "{service}按时段上门，{when}不是一个时段的开始。"
BOOK_NEAREST = "离您想要的时间最近的空位有这些，请点一个："
BOOK_NO_SLOTS = "最近两周{service}都约满了，{call}"
BOOK_CONFIRM = (
    "请您核对一下：\n服务：{service}\n给谁：{who}\n时间：{when}\n地点：{place}\n"
    "费用：{price}\n{prepare}没问题就点“确认预约”。")
BOOK_PREPARE = "请准备：{items}\n"
BOOK_PLACE_HOME = "上门（登记的住址）"
BOOK_WHO_SELF_LABEL = "您本人"
BOOK_WHO_UNVERIFIED = "{name}（{relation}，待社区核实）"
BOOK_WHO_VERIFIED = "{name}（{relation}）"
BOOK_CONFIRM_BUTTON = "确认预约"
BOOK_CHANGE_TIME_BUTTON = "换个时间"
BOOK_CANCEL_BUTTON = "不约了"
BOOK_DONE = (
    "预约好了，预约号 {number}。\n{service} · {when}\n"
    "前一天我会提醒您。要改时间或取消，直接跟我说就行。")
BOOK_DONE_UNVERIFIED = "社区会先核实您和{name}的关系，核实后服务人员按时上门。"
BOOK_STOPPED = "好的，这次不约了。"
BOOK_PROVIDER_CARD = (
    "【新预约】{number}{flag}\n服务：{service}\n时间：{when}\n被服务人：{who}\n"
    "地址：{address}\n预约人：{booker}")
BOOK_PROVIDER_CHANGED = {
    "moved": "【改约】{number} {service}\n新时间：{when}\n原因：{reason}",
    "cancelled": "【取消】{number} {service} {when}\n原因：{reason}",
    "verified": "【已核实】{number} {service} {when}：家属关系已核实。",
}
BOOK_FLAG_UNVERIFIED = "【待核实】"
BOOK_PROVIDER_NOTE = "\n请注意：{note}"
BOOK_VISIT_DONE_BUTTON = "已上门"
BOOK_TODAY = "今日上门 {n} 个：\n{lines}"
BOOK_TODAY_LINE = "{time} {service} · {who}{flag} · {status}（{number}）"
BOOK_TODAY_NONE = "今天没有上门预约。"
BOOK_TODAY_REST = "还有{n}个没有列出。"
BOOK_TODAY_NARROW = "发“今日上门 {example}”可以只看那个社区的，也可以点下面的社区。"
BOOK_TODAY_COMMUNITY_BUTTON = "{community}（{n}个）"
BOOK_NOTE_SAVED = "已记在 {number} 上。"
BOOK_VISIT_NOSHOW_BUTTON = "未上门"
BOOK_VISIT_MARKED = {"done": "已记为已上门。", "noshow": "已记为未上门。"}
BOOK_VISIT_NOT_YOURS = "只有服务方或社区工作人员可以标记。"
BOOK_RATE_ASK = "{service}（{when}）做完了。您满意吗？请打个分："
BOOK_RATED = "谢谢您的{stars}分！想补充几句的话，直接打字告诉我。"
BOOK_COMMENT_SAVED = "收到，谢谢您！"
BOOK_NO_COMMENT = "不用了"
BOOK_PATIENCE_ASK = "前几天社区安排的{service}，服务人员耐心吗？"
BOOK_PATIENCE_ASK_STAFF = (
    "【服务回访】{number} {service}（{when}）\n"
    "请打电话问{name}（{phone}）：服务人员耐心吗？问好后点下面的按钮。")
BOOK_PATIENCE = {"yes": "耐心", "fair": "一般", "no": "不耐心"}
BOOK_PATIENCE_THANKS = "谢谢您告诉我们！"
BOOK_QUALITY_ALERT = "【服务质量】{number} {service}（{when}）\n{what}\n请社工跟进。"
BOOK_QUALITY_STARS = "预约人评价：{stars}分。{comment}"
BOOK_QUALITY_PATIENCE = "被服务人说：服务人员不耐心。"
BOOK_ADDRESS_UNKNOWN = "名册上没有对上，请先核实后联系预约人"
BOOK_MINE = "您的预约："
BOOK_MINE_LINE = "{number} · {service} · {when}{who}"
BOOK_MINE_FOR = " · 给{relation}{name}"
BOOK_MINE_HOW = "要改时间或取消，直接跟我说就行，比如“把助浴改到周五”“不用来了”。"
BOOK_MINE_EMPTY = "您现在没有预约。要预约的话，直接说想约什么服务就行。"
BOOK_MINE_NONE = "您现在没有要取消的预约。要预约的话，直接说想约什么服务就行。"
BOOK_PICK_MINE = "您要{action}哪一个预约？"
BOOK_ACTION_CANCEL = "取消"
BOOK_ACTION_MOVE = "改时间"
BOOK_ASK_CANCEL = "确定取消 {service} · {when} 吗？"
BOOK_CANCEL_YES = "确定取消"
BOOK_CANCEL_NO = "不取消"
BOOK_CANCELLED = "已取消 {number}（{service} · {when}），服务人员那边我已经告诉了。"
BOOK_KEPT = "好的，预约不变。"
BOOK_MOVE_ASK = "{service}想改到什么时间？"
BOOK_MOVED = "已改到 {when}（{number}），服务人员那边我已经告诉了。"
BOOK_REASON_CANCEL = "预约人取消：{text}"
BOOK_REASON_MOVE = "预约人改时间"
BOOK_SLOT_GONE = "刚才这个时间被别人约走了。"
BOOK_LINK_CARD = (
    "【核实家属关系】\n预约人（{booker}）说{name}（{phone}）是其{relation}。\n名册：{roster}\n"
    "核实后，这位预约人给{name}的预约不再标“待核实”。")
BOOK_LINK_ROSTER = {True: "姓名和手机号（或身份证后四位）已对上", False: "没有对上，请先联系核实"}
BOOK_LINK_ASK_PERSON = "{booker}说您是TA的{relation}，想帮您预约社区的上门服务。是您的家人吗？"
BOOK_LINK_YES = "属实"
BOOK_BOOKER_UNKNOWN = "未登记手机号"
BOOK_LINK_NO = "不属实"
BOOK_LINK_PERSON_YES = "是我的家人"
BOOK_LINK_PERSON_NO = "不是"
BOOK_LINK_DONE = {"confirmed": "已确认家属关系。", "denied": "已记下：不是家人。"}
BOOK_LINK_TOLD = {"confirmed": "您和{name}的家属关系已核实，以后可以直接帮TA预约。",
                  "denied": "您和{name}的家属关系没有核实通过，有疑问请联系社区。"}
BOOK_REMINDER = "提醒您：{when}有{service}（{number}）。要改时间或取消，直接跟我说。"
# --- book2 ---
BOOK_LINK_NO_PHONE = "未留手机号，凭身份证后四位"
BOOK_LINK_NOT_THEIRS = "这条家属核实属于别的社区，由那个社区的工作人员处理。"
BOOK_VISIT_ASK_NOTE = (
    "请写一句上门情况，例如：老人不在家。{minutes}分钟内有效，不写就点“跳过”。\n"
    "以后也可以发预约号加一句话补充，例如：{number} 已按时完成。")
BOOK_VISIT_NOTE_NONE = "好的，{number} 不加说明。"
BOOK_VISIT_NOTE_EXPIRED = "刚才{number}的说明超过{minutes}分钟没有写，已不再等待；上门标记不变。"
WEEKDAY_RANGE = {(1, 2, 3, 4, 5): "工作日", (1, 2, 3, 4, 5, 6): "周一至周六",
                 (1, 2, 3, 4, 5, 6, 7): "每天"}


def format_when(at: datetime, zone: ZoneInfo, now: datetime | None = None) -> str:
    """A time as people say it: 今天下午3:00, 明天上午9:30, 11月29日（周日）下午3:00."""
    local = at.astimezone(zone)
    h = local.hour
    part = "凌晨" if h < 6 else "上午" if h < 12 else "中午" if h < 13 else "下午" if h < 18 else "晚上"
    h12 = h if h <= 12 else h - 12
    clock = f"{part}{h12}:{local.minute:02d}"
    if now is not None:
        today = now.astimezone(zone).date()
        if local.date() == today:
            return f"今天{clock}"
        if local.date() == today + timedelta(days=1):
            return f"明天{clock}"
    return f"{local.month}月{local.day}日（周{WEEKDAYS[local.weekday()]}）{clock}"


def format_day(at: datetime, zone: ZoneInfo) -> str:
    """11月28日."""
    local = at.astimezone(zone)
    return f"{local.month}月{local.day}日"


INVALID = {
    ("description", "empty"): "请说一下是什么问题",
    ("description", "too_long"): "内容太长了，请控制在{max}字以内",
    ("note", "required"): "请写明原因",
    ("rating", "range"): "请选1到5分",
    ("phone", "invalid"): "这个号码好像不对，请再看一下",
    ("role", "unknown"): "角色只能是{roles}",
    ("grids", "unknown"): "没有网格{grid}",
    ("user_id", "taken"): "已被{holder}使用",
}
NOT_ALLOWED = {
    NotVerifiedResident: "开证明需要社区先核实您的身份",
    NotApprover: "只有负责审核这类证明的工作人员可以操作",
    StaffOnly: "只有负责这个网格的社区工作人员可以操作",
    NotOwnContact: "只能分享您自己的手机号",
    PhoneTaken: "这个号码已经绑定了别的账号，请联系社区工作人员",
}


def invalid_text(exc: InvalidValue) -> str:
    """The sentence for a broken rule, e.g. 请说一下是什么问题。"""
    template = INVALID.get((exc.field, exc.code), "这个内容好像不对，请再说一次")
    return template.format(**exc.params) + "。"


# --- communities (a city on one deployment) ---
NO_COMMUNITY_YET = "请先告诉我您是哪个社区或村的，比如“我是南垟社区的”，或者把您的位置发给我。"


# --- staff levels ---
STAFF_VIEW_ONLY = "您的账号只能查看，不能办理。如需办理，请联系这个社区的工作人员。"
NOT_ALLOWED[ViewOnly] = "您的账号只能查看，不能办理"
STAFF_LEVEL_CARD = "【{community}】\n"  # cards shown to 街道/区/市 staff name the community
STAFF_LEVEL_TASK = "{line}（{community}）"
STAFF_LEVEL_FILES_NOTHING = ("您是街道、区或市的工作人员，新的事项请由所在社区的工作人员办理。"
                             "各社区的报事、证明申请和求助，您可以发“待办”查看和处理。")
CLI_COMMUNITY_UNKNOWN = "没有代码为“{code}”的社区（`cunshe communities list` 可以查看代码）"
CLI_COMMUNITY_NEEDED = ("这个部署有多个社区：请加上 --community 代码，说明记在哪个社区"
                        "（`cunshe communities list` 可以查看代码）")
CLI_COMMUNITY_SERVING = "--community：`cunshe {command}` 为所有社区服务，不用指定社区"


def error_text(exc: DomainError) -> str:
    """The one Chinese sentence for a domain error."""
    if isinstance(exc, InvalidValue):
        return invalid_text(exc)
    if isinstance(exc, NoCommunity):
        return NO_COMMUNITY_YET
    if isinstance(exc, NotFound):
        return "没有找到这条记录。"
    if isinstance(exc, NotAllowed):
        return NOT_ALLOWED.get(type(exc), "这个操作您没有权限") + "。"
    if isinstance(exc, InvalidTransition):
        return "这件事的状态已经变了，请刷新后再看。"
    return SYSTEM_ERROR


# --- levels2 ---
# 待办 of every kind (reports, 云盖章 waiting for a decision, 求助 waiting for a volunteer task).
WORKLIST_SEAL_LINE = "· {number} {template} · 待审核 · {due}"
WORKLIST_SEAL_DUE = "{when}前办好"
WORKLIST_HELP_LINE = "· 求助{id} · {text} · 待安排 · {when}提出"
WORKLIST_HELP_BUTTON = "求助{id}"
WORKLIST_HELP_CHARS = 16  # how much of the resident's words a 待办 line shows
# A family link waiting for staff: the relation and the surname only (the card shows the rest).
WORKLIST_LINK_LINE = "· 家属核实{id} · {who} · 待核实 · {when}提出"
WORKLIST_LINK_BUTTON = "家属核实{id}"
WORKLIST_LINK_DECIDED = {"confirmed": "这条家属核实已经处理过了：属实。",
                         "denied": "这条家属核实已经处理过了：不属实。"}
WORKLIST_REST = "还有{n}件没有列出。"
WORKLIST_NARROW = "发社区名称（比如“{example}”）可以只看那个社区的待办，也可以点下面的社区。"
WORKLIST_COMMUNITY_BUTTON = "{community}（{n}件）"
WORKLIST_IN = "{community}的待办（{n}件，最急的在前）："
WORKLIST_IN_EMPTY = "{community}现在没有待办的事项。"
WORKLIST_NOT_IN_REACH = "{community}不在您负责的范围内，您可以发“待办”看看您负责的社区。"
WORKLIST_THAT_ONE = "这个社区"
# Acts on a community's own settings or in its name: said kindly to 街道/区/市 staff.
WORKLIST_LEVEL_BOARD = "公开栏的账目、通知和项目由各社区的工作人员记录和发布，请联系那个社区的工作人员。"
WORKLIST_LEVEL_POLL = "投票由各社区的工作人员发起。各社区投票的结果，您可以发“投票情况”查看。"
WORKLIST_LEVEL_DRAFT = ("新的志愿任务由各社区的工作人员发布。各社区居民的求助，您可以在“待办”里打开，"
                    "点“转为志愿任务”。")


# --- staff notes (a line typed after acting on a card) ---
STAFF_NOTE_OFFER = "要把这句记到{number}的处理记录里吗？（仅内部，居民看不到）\n“{note}”"
STAFF_NOTE_KEEP = "记上"
STAFF_NOTE_DROP = "不用"
STAFF_NOTED = "已记到{number}的处理记录。"
STAFF_NOTE_DROPPED = "好的，没有记。"
STAFF_NOTE_OFFER_EXPIRED = "刚才要记到{number}的那句话超过{minutes}分钟没有确认，没有记。"
CARD_LAST_NOTE = "\n内部记录：{note}（{who}）"

# --- polls ---
# 线上表决: what residents read.
POLL_SCOPE_ALL = "全社区住户"
POLL_SCOPE_ESTATE = "{estate}住户"
POLL_NOTICE = "社区发起了一个投票：\n{question}\n参加的是{scope}，{ends}截止。每户一票，请点下面的选项。"
POLL_VOTED = "您的一票已经记下了：{option}。投票结束后会把结果发给您。"
POLL_ALREADY = "您家已经投过票了。每户只算一票，这次就不再记了，结果出来后会告诉您。"
POLL_CLOSED = "这个投票已经结束了，谢谢您的关心。"
POLL_OUT_OF_SCOPE = "这个投票是{estate}住户的，您不用参加。"
POLL_NEED_CONTACT = "投票前要先核实您的住户身份。请点下面的按钮把手机号发给我，核实后就可以投了。"
POLL_NEED_VERIFIED = "投票需要社区先核实您的住户身份，核实后就可以投了。有疑问可以{call}。"
POLL_NONE = "现在没有您可以参加的投票。有新的投票会第一时间告诉您。"
POLL_LIST = "现在可以参加的投票，请点一个："
POLL_ALREADY_MARK = "（您家已投）"
POLL_RESULT = "投票结果出来了：{question}\n{summary}。共{n}户投票，谢谢您参加。"
POLL_RESULT_LINE = "{option}{votes}票"
POLL_WINNER = "“{option}”票数最多"
POLL_TIE = "票数相同"
POLL_NO_VOTES = "没有人投票"
POLL_CHART_FOOT = "共{n}户投票 · 每户一票"
# Staff: the short flow in the staff chat, results and closing.
POLL_CREATE_WORDS = frozenset({"发起投票", "新建投票", "发个投票", "/poll", "poll"})
POLL_LIST_WORDS = frozenset({"投票结果", "查看投票", "投票情况", "/polls", "polls"})
POLL_ASK_QUESTION = "请输入投票的问题（发“取消”可以退出）。"
POLL_ASK_OPTIONS = "请输入选项，每行一个，2到6个。"
POLL_ASK_SCOPE = "哪些住户可以投票？"
POLL_ASK_ENDS = "什么时候截止？例如：12月10日下午6点，或 2026-12-10 18:00。"
POLL_ENDS_BAD = "没看懂截止时间，请再说一次，例如：下周五下午6点。"
POLL_PREVIEW = "请确认：\n问题：{question}\n选项：\n{options}\n范围：{scope}\n截止：{ends}"
POLL_PUBLISH = "发布"
POLL_CANCEL = "取消"
POLL_PUBLISHED = "投票{id}已发布，已通知{n}位住户。"
POLL_CREATE_CANCELLED = "已取消，投票没有发布。"
POLL_CREATE_EXPIRED = "发起投票超过{minutes}分钟没有完成，已取消。需要的话请重新发“发起投票”。"
POLL_STAFF_ONLY = "只有社区工作人员可以发起投票或查看结果。"
POLL_STAFF_NONE = "还没有投票。发“发起投票”可以新建一个。"
POLL_STAFF_LIST = "投票（最近的在前）："
POLL_STAFF_LINE = "{id}. {question}（{status}，{ends}截止）"
POLL_RESULTS_BUTTON = "查看结果 {id}"
POLL_CLOSE_BUTTON = "结束投票"
POLL_LIVE = "投票{id}：{question}\n{lines}\n已投票{households}户（{status}，{ends}截止）"
POLL_LIVE_LINE = "{option}：{votes}票"
POLL_CLOSED_STAFF = "投票{id}已结束，结果已发给投票的住户。"
POLL_WAS_CLOSED = "投票{id}已经结束了。"
POLL_STATUS = {"open": "进行中", "closed": "已结束"}
INVALID.update({
    ("question", "empty"): "请写上投票的问题",
    ("question", "too_long"): "问题太长了，请控制在{max}字以内",
    ("options", "count"): "选项要{min}到{max}个，每行一个",
    ("options", "duplicate"): "有两个选项一样，请改一下",
    ("options", "too_long"): "每个选项请控制在{max}字以内",
    ("ends_at", "past"): "截止时间要在现在之后",
    ("target", "unknown"): "只能评价物业或业委会",
})

# 物业评价 / 业委会评价.
RATE_TARGETS = {"property": "物业", "committee": "业委会"}
FORM_NAMES["rating"] = "评价"
RATE_ASK_TARGET = "您想评价哪一个？每个月可以评一次。"
RATE_ASK_STARS = "请给{target}这个月的服务打分，5星最满意："
RATE_ASK_COMMENT = "您打了{stars}星。还想说几句吗？直接打字告诉我们，不想说就点“跳过”。"
RATE_CONFIRM_COMMENT = "您的意见：“{comment}”\n确认提交吗？"
RATE_CONFIRM = "确认提交"
RATE_SKIP = "跳过"
RATE_CANCEL = "取消"
RATE_THANKS = "谢谢您！这个月对{target}的{stars}星评价已经记下了，社区会看到。"
RATE_REPLACED = "谢谢您！这个月您已经评过{target}，这次的{stars}星替换了上一次的评价。"
RATE_NEED_CONTACT = "评价前要先核实您的住户身份。请点下面的按钮把手机号发给我，核实后就可以评了。"
RATE_NEED_VERIFIED = "评价需要社区先核实您的住户身份，核实后就可以评了。有疑问可以{call}。"
RATE_ALERT_STAFF = "低分提醒：{estate}有住户给{target}打了{stars}星（{month}）。\n意见：{comment}"
RATE_NO_COMMENT = "（没有留言）"
RATE_ALERT_LEAD = "低分评价的住户（只发给书记）：{name}，{phone}，{address}\n{estate}{target}{stars}星，意见：{comment}"
RATE_SUMMARY_WORDS = frozenset({"评价汇总", "物业评价汇总", "/ratings", "ratings"})
RATE_SUMMARY_HEAD = "物业 / 业委会评价（近{n}个月，平均星数和人数）："
RATE_SUMMARY_LINE = "{estate}{target}：{months}{trend}"
RATE_SUMMARY_MONTH = "{month}月{average}星({count}人)"
RATE_SUMMARY_EMPTY = "近{n}个月还没有评价。"
RATE_TREND_UP = "，上升{delta}星"
RATE_TREND_DOWN = "，下降{delta}星"
RATE_TREND_FLAT = "，持平"
# --- volunteer ---
# Sign-up, tasks, attendance and 求助. Volunteers never read who asked for help, except the one
# who took that task (VOL_HELP_WHO: name and address only).
VOL_NEED_PHONE = "报名当志愿者，先要确认您是本社区的居民。请点下面的“分享手机号”，分享后我接着帮您报名。"
VOL_NEED_VERIFIED = "谢谢您愿意帮忙！社区核实您的身份后就可以报名了，核实好了会告诉您。"
VOL_ASK_SKILLS = "谢谢您愿意帮忙！您会做哪些事？可以点几个，也可以直接说。\n已选：{chosen}"
VOL_TYPED = "\n（您说的：{typed}）"
VOL_ASK_OTHER = "请说一下您还会做什么，比如“理发”“写春联”。"
VOL_ASK_TIMES = "您一般什么时候有空？可以点几个，也可以直接说，比如“周末上午”。\n已选：{chosen}"
VOL_NONE_YET = "还没选"
VOL_PICK_ONE_SKILL = "请至少选一项您会做的事。"
VOL_PICK_ONE_TIME = "请至少选一个有空的时间。"
VOL_TIMES_NOT_UNDERSTOOD = "没听明白是什么时间，请点下面的按钮选。"
VOL_DONE_BUTTON = "选好了"
VOL_SAVE_BUTTON = "选好了，报名"
VOL_CANCEL_BUTTON = "取消"
VOL_FORM_GONE = "这一步已经结束了，需要的话请重新说一次。"
VOL_SUMMARY = "会做：{skills}\n有空：{times}"
VOL_SIGNED = "报名好了，谢谢您！\n{summary}\n有合适的志愿任务会发给您，点“我来”就能参加。"
VOL_TASK = "{title}\n时间：{when}，约{hours}小时\n需要{capacity}人{skill}{where}"
VOL_TASK_SKILL = "（{skill}）"
VOL_TASK_WHERE = "\n地点：{estate}"
VOL_TASKS = "现在可以报名的志愿任务：\n{lines}"
VOL_NO_TASKS = "您已经是志愿者了，谢谢！现在还没有合适的任务，有了会第一时间发给您。"
VOL_TAKE_BUTTON = "我来"
VOL_TAKE_N_BUTTON = "第{n}个，我来"
VOL_WITHDRAW_BUTTON = "第{n}个，我去不了了"
VOL_OFFER = "【志愿任务】{task}\n您有空的话点“我来”，先到先得。"
VOL_TAKEN = "好的，这个任务由您来，谢谢！\n{task}\n临时去不了，开始前点下面的按钮告诉我们。"
VOL_TAKEN_NOTICE = "报名成功"
VOL_HELP_WHO = "\n要帮助的居民：{name}，住{address}。请只为这次帮忙使用这些信息。"
VOL_FULL = "谢谢您！这个任务的人已经够了，下次有任务再请您帮忙。"
VOL_CLOSED = "这个任务已经开始或者取消了，谢谢您！下次有任务再请您帮忙。"
VOL_ALREADY_TAKEN = "您已经报名这个任务了，谢谢！"
VOL_NOT_VOLUNTEER = "报名志愿者以后就能参加任务，请说“我想当志愿者”。"
VOL_WITHDRAWN = "好的，已经帮您退出“{title}”，名额留给别的志愿者。谢谢您告诉我们！"
VOL_WITHDRAWN_NOTICE = "已退出"
VOL_TOO_LATE_TO_LEAVE = "任务已经开始了，不能在这里退出。有事请打社区电话说一声。"
VOL_NOT_YOURS = "您没有报名这个任务。"
VOL_MINE = "您是社区志愿者：\n{summary}\n累计服务{total}小时（本月{month}小时）。"
VOL_EDIT_BUTTON = "修改"
VOL_TASKS_BUTTON = "看志愿任务"
VOL_STOP_BUTTON = "不当志愿者了"
VOL_STOP_CONFIRM = "确定不当志愿者了吗？以后不再给您发任务，您服务过的时长会保留。"
VOL_STOP_YES = "确定"
VOL_STOP_NO = "再想想"
VOL_STOPPED = "好的，以后不再给您发志愿任务了。谢谢您一直以来的帮忙！想回来随时说“我想当志愿者”。"
# 求助
VOL_HELP_NEED_PHONE = "社区要联系您，请先点下面的“分享手机号”，分享后我接着帮您登记。"
VOL_HELP_ASK = "请说一下需要帮什么忙，比如“帮我买点菜”“陪我去医院”。"
VOL_HELP_CONFIRM = "您需要：{text}\n要请社区安排人帮忙吗？"
VOL_HELP_YES = "对，请社区安排"
VOL_HELP_NO = "不用了"
VOL_HELP_CANCELLED = "好的，没有发出去。还有别的事随时说。"
VOL_HELP_DONE = "已经告诉社区工作人员了（求助编号{number}）。他们会尽快联系您，安排好了会告诉您。"
VOL_HELP_ARRANGED = "您的求助社区已经安排志愿者了，时间是{when}。有变化请打社区电话。"
VOL_HELP_CARD = "【求助】编号{id}\n{who}\n需要：{text}"
VOL_HELP_CARD_WHO = "居民：{name}（{phone}）{unverified}\n住址：{address}"
VOL_TO_TASK_BUTTON = "转为志愿任务"
VOL_HELP_TITLE = "帮居民：{text}"
VOL_HELP_ALREADY_TASK = "这条求助已经转成志愿任务了"
# staff
VOL_DRAFT_ASK_WHEN = "请回复时间、时长和人数，比如：12月5日上午9点 2小时 1人"
VOL_DRAFT_MISSING = "还差：{missing}。请照这样写：志愿任务 陪老人去医院 2026-12-05 09:00 2小时 3人"
VOL_DRAFT_FIELDS = {"title": "任务内容", "when": "时间（几月几日几点）", "hours": "时长（几小时）",
                    "capacity": "人数（几人）"}
VOL_PREVIEW = "请确认要发布的志愿任务：\n{task}"
VOL_PUBLISH_BUTTON = "发布"
VOL_DRAFT_CANCELLED = "没有发布。"
VOL_POSTED = "已发布：\n{task}\n已发给{n}位合适的志愿者。任务开始后点下面登记到场。"
VOL_POSTED_NOTICE = "已发布"
VOL_ROLL_BUTTON = "登记到场"
VOL_ROLL = "{title}（{when}）\n报名的志愿者：\n{lines}"
VOL_ROLL_LINE = "· {name}：{mark}"
VOL_ROLL_EMPTY = "还没有人报名。"
VOL_MARKS = {None: "未登记", True: "到了", False: "没来"}
VOL_PRESENT = "{name} 到了"
VOL_ABSENT = "{name} 没来"
VOL_MARKED = "已登记"
VOL_TOO_EARLY = "任务还没开始，开始后再登记到场"
FORM_NAMES.update({"volunteer": "志愿者报名", "help": "求助"})
INVALID.update({
    ("skills", "missing"): "请至少选一项您会做的事",
    ("times", "missing"): "请至少选一个有空的时间",
    ("title", "missing"): "请写一下任务内容",
    ("when", "past"): "这个时间已经过了，请换一个以后的时间",
    ("hours", "range"): "时长要在24小时以内",
    ("capacity", "range"): "人数要在1到100之间",
    ("help", "missing"): "请说一下需要帮什么忙",
})

# --- alerts ---------------------------------------------------------------------------------
# 预警 as residents read it: the official text unchanged, then their own nearest shelters.
ALERT_MESSAGE = "【{level}色预警】{title}\n\n{text}\n\n（发布：{source}）"
ALERT_SHELTERS = "离{where}最近的开放避灾点：\n{lines}\n需要转移时请带好证件和常用药，听从社区安排。"
ALERT_WHERE_SHARED = "您上次发送的位置"
ALERT_ASK_PLACE = "想知道离您最近的避灾点，请回复“避难所”，再发送您的位置。"
ALERT_NO_SHELTER_OPEN = "现在没有开放的避灾点，需要帮助请{call}。"
# The staff chat: 发布预警 → level → title → text → preview → 确认发布 / 取消.
ALERT_START_WORDS = frozenset({"发布预警", "发预警", "发布台风预警"})
ALERT_NOT_ALLOWED = "只有{roles}可以发布预警。"
ALERT_PICK_LEVEL = "要发布哪一级预警？（{minutes}分钟内有效）"
ALERT_LEVEL_BUTTONS = (("蓝色", "blue"), ("黄色", "yellow"), ("橙色", "orange"), ("红色", "red"))
ALERT_ASK_TITLE = "{level}色预警。请输入标题，比如“台风‘海葵’红色预警”。"
ALERT_ASK_TEXT = "请输入预警正文（官方原文，会原样发给居民）。"
ALERT_PREVIEW = "请核对，确认后发给{n}位居民（每人还会收到离自己最近的避灾点）：\n\n{text}"
ALERT_CONFIRM = "确认发布"
ALERT_CANCEL = "取消"
ALERT_CANCELLED = "已取消，预警没有发布。"
ALERT_EXPIRED = "预警草稿超过{minutes}分钟没有确认，已作废，没有发布。需要时请重新说“发布预警”。"
ALERT_SENT = "已发布{level}色预警“{title}”（编号{id}），正在发给{n}位居民。"
ALERT_EMPTY = "内容不能为空，请再输入一次，或说“取消”。"
ALERT_TOO_LONG = "内容太长了（最多{max}字），请精简后再输入。"
ALERT_NOT_YOURS = "这是别人的预警草稿，只有发起人可以确认。"
# CLI
ALERT_CAP_DOCTYPE = "拒绝读取：文件含有 DOCTYPE 或实体声明（可能是 XML 攻击），CAP 预警文件不需要它们"
ALERT_CAP_NOT_XML = "不是有效的 XML：{reason}"
ALERT_CAP_INVALID = "不符合 CAP 1.2 格式：{reason}（位置 {path}）"
ALERT_CAP_STATUS = "这是一条 {status} 消息，不是正式预警，没有发布"
ALERT_CAP_MSGTYPE = "这是一条 {msg_type} 消息（不是新的预警或更新），没有发布"
ALERT_CAP_DUPLICATE = "这条预警（{identifier}）已经导入过了（编号{id}），没有重复发送"
ALERT_CAP_NO_INFO = "文件里没有 <info> 预警内容"
SHELTER_FILE_NO_CRS = "文件没有声明坐标系：请写 crs: WGS-84 或 crs: GCJ-02"
SHELTER_FILE_BAD_CRS = "不认识的坐标系“{crs}”：只支持 WGS-84 和 GCJ-02"
SHELTER_FILE_ROW = "第{row}行：{reason}"
SHELTER_UNKNOWN = "没有编号为 {code} 的避灾点"
SHELTER_STATE = {True: "开放", False: "关闭"}
INVALID.update({
    ("level", "unknown"): "预警级别只能是{levels}",
    ("title", "length"): "标题不能为空，最多{max}字",
    ("text", "length"): "正文不能为空，最多{max}字",
    ("capacity", "negative"): "可容纳人数不能是负数",
    ("shelter", "coordinates"): "避灾点{shelter}的经纬度不对",
    ("shelter", "missing"): "避灾点缺少编号或名称",
})
# --- policy ---------------------------------------------------------------------------
# Policy answers: only the part asked for, always with the title and where it comes from.
POLICY_PART_LABELS = {
    "target": "谁可以申请", "benefit": "能得到什么", "documents": "要带的材料", "apply": "去哪里办",
}
POLICY_PART_BUTTONS = {
    "target": "谁能申请", "benefit": "能领多少", "documents": "要带什么材料", "apply": "去哪里办",
}
POLICY_ME_BUTTON = "我能申请吗"
POLICY_ALL_BUTTON = "全部政策"
POLICY_RELAY_WHAT = "政策咨询"
POLICY_MENU_BUTTON = "回到菜单"
POLICY_SUMMARY = "【{title}】\n谁可以申请：{target}\n能得到什么：{benefit}"
POLICY_SOURCE = "来源：{issuer} {source}（{date}发布）"
POLICY_CALL = "有不清楚的，可以{call}。"
POLICY_MORE = "还想知道什么，点下面的按钮，或者直接问我。"
POLICY_WHICH = "您问的是哪一项？点一下就行。"
POLICY_NOTHING = ("没有找到和您问的对得上的政策。\n"
                  "我可以把您的问题转给社区工作人员，他们会联系您；也可以{call}。")
POLICY_ASK_WHICH = "您想问哪项政策？点一下就行，也可以直接说名字，比如“临时救助”。"
POLICY_LIBRARY_EMPTY = "社区还没有登记惠民政策。您可以{call}问问。"
POLICY_FOR_YOU = "和您可能有关的惠民政策，点一下看详情："
POLICY_LIBRARY = "社区的惠民政策，点一下看详情："
POLICY_BIND_FIRST = ("要看您符不符合“{title}”，需要先核实您的身份。\n"
                     "请点下面的“分享手机号”，社区核实后就能帮您看。")
POLICY_UNVERIFIED = ("您的身份社区还在核实，暂时没法帮您对照“{title}”的条件。\n"
                     "您可以先看条件：{target}")
POLICY_QUALIFY_YES = "按社区登记的信息，您看起来符合“{title}”的条件。"
POLICY_QUALIFY_NO = "按社区登记的信息，您看起来不太符合“{title}”的条件：{reasons}。"
POLICY_QUALIFY_DEPENDS = "能不能申请“{title}”，要看您家的具体情况：{target}"
POLICY_QUALIFY_UNKNOWN = "社区登记的信息还不够，说不准您是否符合“{title}”：{reasons}。"
POLICY_QUALIFY_CHECK = {
    "tags": "这项政策面向{wanted}", "age": "要求年龄{wanted}", "estate": "只限{wanted}的居民",
}
POLICY_QUALIFY_UNKNOWN_CHECK = {
    "tags": "面向{wanted}", "age": "要求年龄{wanted}，社区没有登记您的出生日期",
    "estate": "只限{wanted}的居民，社区没有登记您的住址",
}
POLICY_QUALIFY_JOIN = "；"
POLICY_QUALIFY_CAVEAT = "最后能不能办，由社区工作人员审核决定。\n申请时请带上：{documents}"
POLICY_QUALIFY_NO_CAVEAT = "家里情况和登记的不一样的话，以工作人员审核为准，可以{call}问问。"
POLICY_DATE = "{year}年{month}月{day}日"
# `cunshe policies add FILE.md`: one line per problem, naming the field.
POLICY_FILE_NO_FRONT = "文件开头要有 YAML 信息块：第一行 ---，写 code、title 等字段，再一行 --- 结束"
POLICY_FILE_BAD_YAML = "YAML 信息块第{line}行写法不对"
POLICY_FILE_UNKNOWN_FIELD = "{field}：不认识的字段"
POLICY_FILE_MISSING = {
    "code": "code：缺少编号（字母、数字或下划线，最多16个）",
    "title": "title：缺少政策标题",
    "target": "对象：缺少“## 对象”一节（谁可以申请）",
    "benefit": "内容：缺少“## 内容”一节（能得到什么、标准）",
    "documents": "材料：缺少“## 材料”一节（要带的材料）",
    "apply": "办理：缺少“## 办理”一节（去哪里办、怎么办）",
    "issuer": "issuer：缺少发文单位",
    "issued_on": "date：缺少发文日期（写成 2024-03-01）",
    "source": "source：缺少来源（文号或网址）",
}
POLICY_FILE_BAD_CODE = "code：“{code}”只能用字母、数字或下划线，最多16个"
POLICY_FILE_TAKEN = "code：已经有编号为“{code}”的政策"
POLICY_FILE_BAD_DATE = "date：“{value}”不是日期，请写成 2024-03-01（不加引号）"
POLICY_FILE_NOT_LIST = "{field}：要写成列表，例如 [老年人, 独居]"
POLICY_FILE_UNKNOWN_TAG = "tags：没有“{tag}”这个居民标签（可用：{known}）"
POLICY_FILE_UNKNOWN_ESTATE = "estates：没有小区编号“{estate}”（可用：{known}）"
POLICY_FILE_BAD_AGE = "{field}：“{value}”不是0到150之间的整数"
POLICY_CLI_ADDED = "已添加政策 {code}《{title}》，机器人下一次回答就会用到"
POLICY_CLI_REMOVED = "已删除政策 {code}"
POLICY_CLI_NOT_FOUND = "没有编号为“{code}”的政策"
POLICY_CLI_IN_CONFIG = "“{code}”写在 config.yaml 里，请在配置文件中修改"
POLICY_CLI_BAD_FILE = "{path} 有问题：\n{problems}"
POLICY_CLI_ORIGIN = {"config": "配置", "staff": "工作人员添加"}
POLICY_CLI_COUNT = "共{n}项"
# --- push ---
PUSH_POLICY = "【政策推送】\n{summary}\n想了解怎么申请，直接问我“{title}怎么申请”就行。"
PUSH_NOTICE = "【社区通知】{title}\n{text}"
PUSH_CLI_STALLED = "还没有发出新的消息：机器人在运行吗？（按 Ctrl-C 停止查看，不影响发送）"
PUSH_CLI_DETACHED = "已停止查看。推送已排队，机器人运行时会继续发送（cunshe pushes show 查看进度）。"
PUSH_PROGRESS = "推送进行中：已发送 {sent}/{total}，失败 {failed}"
PUSH_DONE = "推送完成：已发送 {sent}/{total}，失败 {failed}"
SUBS_ON = "好的，以后有{topic}会发给您。"
SUBS_OFF = "好的，以后不再给您发{topic}了。想再收，说“订阅{topic}”就行。"
SUBS_ALREADY_ON = "您已经在接收{topic}了。"
SUBS_ALREADY_OFF = "您已经关闭了{topic}。"
SUBS_ASK_ON = "您想接收哪一类消息？"
SUBS_ASK_OFF = "您不想再收哪一类消息？"
SUBS_ALERT_WARN = ("预警是台风、暴雨等危险来临前的提醒，还会告诉您最近的避灾点。"
                   "关掉后就收不到了，您确定要关闭吗？")
SUBS_ALERT_KEPT = "好的，预警继续为您保留。"
SUBS_NEED_CONTACT = "订阅消息需要先确认您是本社区居民，请点下面的按钮分享手机号。"
SUBS_LINE = "消息订阅：{lines}"
SUBS_STATE = {True: "开", False: "关"}
SUBS_TOGGLE = {True: "关闭{topic}", False: "开启{topic}"}
PUSH_STAFF_ONLY = "发推送只有社区工作人员可以操作。"
PUSH_PICK_POLICY = "要推送哪条政策？"
PUSH_NO_POLICIES = "还没有可以推送的政策。"
PUSH_PICK_TARGETS = "“{title}”发给哪些居民？"
PUSH_TARGET_ALL = "全部居民"
PUSH_CONFIRM = "把“{title}”发给{who}，共{n}位居民。确认发送吗？"
PUSH_CONFIRM_NONE = "{who}中没有可以发送的居民（要已核实、没有关闭{topic}）。请换一个范围。"
PUSH_SEND_BUTTON = "确认发送"
PUSH_CANCELLED = "已取消，这次推送没有发出。"
PUSH_ALREADY = "这次推送已经开始了，不会重复发送。"
PUSH_CANCEL_BUTTON = "取消"
PUSH_WORDS = frozenset({"发推送", "/发推送", "/push", "推送政策", "发政策推送"})
# CLI
PUSH_KINDS = {"policy": "政策", "notice": "通知", "alert": "预警"}
PUSH_CLI_QUEUED = "推送 {id} 已排队：{n} 位居民"
PUSH_CLI_SCHEDULED = "推送已定时：{at}（任务 {job}）"
PUSH_CLI_SHOW = ("推送 {id}  {kind}·{topic}  {title}\n开始：{when}  发起：{by}\n"
                 "{total} 位居民，已发送 {sent}，失败 {failed}，被屏蔽 {blocked}，待发送 {pending}")
PUSH_CLI_LINE = "{id}  {when}  {kind}·{topic}  {title}  {sent}/{total}"
PUSH_CLI_SCHEDULED_BY = "定时任务"
# --- ledger ---
# 公开之栏 for residents: a page of what is new (notices, the month's 收支 with totals, projects).
BOARD_HEAD = "{community}公开栏 · {year}年{month}月 · {scope}"
BOARD_SCOPE_ESTATE = "{estate}（含全社区）"
BOARD_SCOPE_ALL = "全社区各小区"
BOARD_TOTALS = "本月收入{income}，支出{expense}，结余{balance}"
BOARD_PAGE = "第{page}/{pages}页"
BOARD_EMPTY = "这个月还没有公开的通知、收支和项目。"
BOARD_NOTICES = "【通知】"
BOARD_NOTICE_LINE = "· {day} {title}：{text}"
BOARD_LEDGER = "【收支明细】"
BOARD_LEDGER_LINE = "· {day} {kind}{amount} {purpose}{estate}{approver}"
BOARD_APPROVER = "（{name}批）"
BOARD_LINE_ESTATE = "［{estate}］"
BOARD_INCOME = "收入"
BOARD_EXPENSE = "支出"
BOARD_PROJECTS = "【在建项目】"
BOARD_PROJECT_LINE = "· {name}（{estate}）：{status}{latest}"
BOARD_PROJECT_LATEST = "。{day} {text}"
BOARD_PREV = "上一页"
BOARD_NEXT = "下一页"
BOARD_PREV_MONTH = "上个月"
BOARD_NEXT_MONTH = "下个月"
BOARD_ALL = "看全社区"
BOARD_MINE = "只看{estate}"
BOARD_REPORTS = "你说我做"
BOARD_ESTATE_BUTTON = "{estate}公开栏"
BOARD_MENU = "菜单"
BOARD_PROJECT = "{name}（{estate}）\n状态：{status}{budget}\n进展："
BOARD_PROJECT_BUDGET = "，预算{budget}"
BOARD_PROJECT_UPDATE = "· {day} {text}"
BOARD_PROJECT_NONE = "还没有进展记录。"
BOARD_PROJECT_MORE = "有新进展会通知订阅了“通知”的本小区居民。"
BOARD_WHOLE = "全社区"

# Staff: publishing in the staff chat (a receipt photo is a ledger line in one step).
LEDGER_DRAFT = ("记一笔账，请核对：\n日期：{day}\n{kind}：{amount}\n用途：{purpose}\n审批人：{approver}\n"
                "范围：{scope}{photo}")
LEDGER_DRAFT_PHOTO = "\n票据：已附照片"
LEDGER_NO_APPROVER = "（未写）"
LEDGER_CONFIRM = "确认记账"
LEDGER_EDIT = "修改"
LEDGER_CANCEL = "取消"
LEDGER_ASK_AMOUNT = "这张票据多少钱？请回一句，比如“扫帚 25元”（{minutes}分钟内有效）。"
LEDGER_ASK_EDIT = "请重新写这一笔，比如“买扫帚25块 王书记批的”（{minutes}分钟内有效）。"
LEDGER_NO_AMOUNT = "还是没看出金额，这张票据没有记账。请重发照片并写上“用途 金额”，比如“扫帚 25元”。"
LEDGER_NO_PURPOSE = "用途没写，请补一句用途，比如“扫帚 25元”。"
LEDGER_WRITTEN = "已记账：{day} {kind}{amount} {purpose}。居民在公开栏可以看到。"
LEDGER_CANCELLED = "这一笔没有记账。"
LEDGER_EXPIRED = "刚才那一笔超过{minutes}分钟没有确认，没有记账。"
LEDGER_NOT_YOURS = "这是别人的记账，请让发照片的同事确认。"
LEDGER_NOT_PUBLISHER = "只有社区工作人员可以发布公开栏内容。"
NOTICE_ASK = "请发通知内容：第一行是标题，下面是正文（{minutes}分钟内有效）。"
NOTICE_DRAFT = "发布这条通知（{scope}）：\n{title}\n{text}"
NOTICE_WRITTEN = "通知已发布：{title}"
NOTICE_CANCELLED = "通知没有发布。"
PROJECT_PICK = "更新哪个项目的进展？"
PROJECT_NONE = "还没有登记项目，可以在这里发“新建项目”添加。"
PROJECT_ASK = "请写{name}的最新进展（一句话，{minutes}分钟内有效）。"
PROJECT_DRAFT = "发布{name}的进展，并通知{estate}订阅了通知的居民（将通知{n}位居民）：\n{text}{status}"
PROJECT_DRAFT_NOBODY = "发布{name}的进展：\n{text}{status}\n{nobody}"
PROJECT_DRAFT_STATUS = "\n状态改为：{status}"
PROJECT_PUBLISH = "发布并通知"
PROJECT_WRITTEN = "{name}的进展已发布，已排队通知{n}位居民。"
PROJECT_PUBLISH_ONLY = "只发布"
PROJECT_WRITTEN_ONLY = "{name}的进展已发布，没有推送给居民。"
PROJECT_WRITTEN_NOBODY = "{name}的进展已发布。现在没有会收到通知的居民，所以没有通知任何人。"
PROJECT_CANCELLED = "进展没有发布。"
PROJECT_PUSH = "【{estate}·{name}】{day}进展：{text}{status}\n回复“公示一下”看全部公开内容。"
PROJECT_PUSH_STATUS = "（现在{status}）"
# Words staff type in their chat to start publishing.
LEDGER_WORDS = ("记账", "记一笔")
NOTICE_WORDS = ("发通知", "发布通知", "发公告")
PROJECT_WORDS = ("项目进展", "更新项目", "工程进展")

# --- board2 ---
NOTICE_ASK_SCOPE = "这条通知发给哪里？"
NOTICE_PUBLISH_PUSH = "发布并通知"
NOTICE_PUBLISH_ONLY = "只发布"
NOTICE_DRAFT_PUSH = "\n选“发布并通知”会同时推送给{scope}订阅了通知的居民，将通知{n}位居民。"
# Nobody would get the push (no resident of that scope takes 通知): said before, and 只发布 offered.
NOBODY_TO_NOTIFY = ("请注意：{scope}现在没有会收到通知的居民（要已核实、已绑定聊天、没有关闭通知），"
                    "推送不会通知到任何人，请选“只发布”。")
NOTICE_WRITTEN_PUSHED = "通知已发布：{title}，已排队通知{n}位居民。"
NOTICE_WRITTEN_NOBODY = "通知已发布：{title}。现在没有会收到通知的居民，所以没有通知任何人。"
NOTICE_PUSH = "【{scope}·通知】{title}\n{text}\n回复“公示一下”看全部公开内容。"
PROJECT_STATUS_SAME = "不变"
NEWPROJECT_WORDS = ("新建项目", "新增项目", "添加项目", "登记项目")
NEWPROJECT_ASK_NAME = "新项目叫什么名字？比如“河边护栏”（{minutes}分钟内有效）。"
NEWPROJECT_ASK_ESTATE = "{name}是哪个小区的项目？"
NEWPROJECT_ASK_STATUS = "{name}现在是什么状态？"
NEWPROJECT_ASK_BUDGET = "预算多少？比如“3.8万”或“38000元”；没有预算请按“跳过”。"
NEWPROJECT_BAD_BUDGET = "没看懂这个金额，请写成“3.8万”或“38000元”，或按“跳过”。"
NEWPROJECT_SKIP = "跳过"
NEWPROJECT_SKIP_WORDS = ("跳过", "没有", "不填", "无")
NEWPROJECT_DRAFT = "登记这个项目，请核对：\n项目：{name}\n范围：{estate}\n状态：{status}\n预算：{budget}"
NEWPROJECT_NO_BUDGET = "（未填）"
NEWPROJECT_CONFIRM = "确认登记"
NEWPROJECT_WRITTEN = "项目已登记：{name}（{estate}，{status}）。居民在公开栏可以看到。"
NEWPROJECT_CANCELLED = "项目没有登记。"
NEWPROJECT_TOO_LONG = "项目名太长了，请写短一点（最多{max}个字）。"



def format_md(d: date) -> str:
    """11月28日 for a calendar day (ledger lines, project updates)."""
    return f"{d.month}月{d.day}日"


INVALID.update({
    ("title", "empty"): "通知标题不能为空",
    ("title", "too_long"): "标题太长了，请控制在{max}字以内",
    ("text", "empty"): "内容不能为空",
    ("amount", "not_positive"): "金额要大于0",
    ("purpose", "empty"): "请写上用途",
    ("name", "empty"): "项目名称不能为空",
})


# --- placement ---
# A person not on a roster, in a deployment of several communities: one question, then on.
PLACE_CITY = "村社通"  # the greeting's name before a person says which community is theirs
PLACE_ASK = "请问您是哪个社区或村的？点下面的按钮，或者直接说名字，比如“南垟社区”。也可以发个位置给我。"
PLACE_ASK_AGAIN = "还没找到您说的社区。请再说一次社区或村的名字，或者点下面的按钮。"
PLACE_TYPE = "好的，请直接说社区或村的名字，比如“我是南垟社区的”。"
PLACE_TYPE_BUTTON = "都不是，我打字说"
PLACE_GUESS = "您是{community}的吗？"
PLACE_GUESS_NEAR = "离您最近的是{community}。您是{community}的吗？"
PLACE_YES_BUTTON = "是的"
PLACE_NO_BUTTON = "不是"
PLACE_WHICH = "有几个同名的，请问是哪一个？"
PLACE_DONE = "好的，记下了：您是{community}的。"
PLACE_BY_ROSTER = "您所在的社区：{community}。"
PLACE_MINE = "所在社区：{community}"
PLACE_MOVE_BUTTON = "换社区"
PLACE_MOVE_ASK = "您现在是{community}的。要换到哪个社区或村？点下面的按钮，或者直接说名字。"
PLACE_MOVE_CONFIRM = "确认换到{new}吗？您在{old}办过的事会留在{old}，那边照常办理。"
PLACE_MOVE_YES = "确认换"
PLACE_STAY_BUTTON = "不换了"
PLACE_MOVED = "已换到{new}。以后办事就找{new}；以前在{old}办的事仍由{old}办理。"
PLACE_STAYED = "好的，不换了，您还是{community}的。"
PLACE_SAME = "您已经是{community}的了，不用换。"


# --- resident2 ---
# Finding one's community among thousands: by 街道/镇 or 区, by location (the nearest few).
PLACE_ASK_MANY = "请问您是哪个社区或村的？直接说名字就行，比如“南垟社区”；说街道或镇的名字也行。也可以发个位置给我。"
PLACE_ASK_KEPT = "记下了。请问您是哪个社区或村的？点下面的按钮，或者直接说名字。"
PLACE_ASK_KEPT_MANY = "记下了。请问您是哪个社区或村的？直接说名字就行，说街道或镇的名字也行。"
PLACE_ASK_AGAIN_MANY = "还没找到您说的社区。请再说一次社区或村的名字，或者说街道、镇的名字。"
PLACE_MOVE_ASK_MANY = "您现在是{community}的。要换到哪个社区或村？直接说名字就行，说街道或镇的名字也行。"
PLACE_AREA_PICK = "{area}有这些社区和村，请问您是哪一个？"
PLACE_AREA_MORE = "{area}有{n}个社区和村，先列出{shown}个。不在里面的话，请直接说社区或村的名字。"
PLACE_AREA_STREETS = "请问您在{area}的哪个街道或镇？"
PLACE_NEAR_OTHERS = "也可能是下面这几个，点一下就行。"
# 我的信息 typed (the NLU reads it as 查进度), and for someone who has not said where they live.
MY_INFO_WORDS = frozenset({"我的信息", "我的资料", "个人信息", "我的个人信息", "看看我的信息", "查看我的信息"})
PLACE_MOVED_FORM_DROPPED = "刚才没办完的事，请在新社区再说一次。"
ME_NO_COMMUNITY = "您还没告诉我是哪个社区或村的，直接说名字就行，比如“我是南垟社区的”。"


# --- city pushes ---
# Where a push or warning goes (CLI options, push records, the staff chat's place buttons).
REACH_CITY = "全市"
REACH_LABEL = "{where}（{n}个村社）"
REACH_UNKNOWN_COMMUNITY = "没有找到“{name}”这个村社（可以写编号，比如 oh-nbx-nanyang，或村社的名字）"
REACH_UNKNOWN_PLACE = "“{name}”下面没有村社：请核对名字（cunshe communities list 可以查看）"
REACH_NO_DIRECTORY = "这里只服务一个社区，没有街道、区可以选"
REACH_STREET_AMBIGUOUS = "有几个区都有“{name}”（{districts}），请再加上 --district 区名"
NOT_ALLOWED[OutOfReach] = "这个范围超出了您负责的村社"
PUSH_CLI_REACH = "范围：{where}"
# The staff chat: a staff member whose reach covers several communities picks where it goes.
REACH_PICK = "发给哪里的居民？"
REACH_CHOSEN = "范围：{where}\n"
# Each community's staff chat hears of a warning sent to several communities at once.
ALERT_STAFF_NOTICE = ("已向{where}发布{level}色预警“{title}”（编号{id}），本村社{n}位居民会收到，"
                      "每条都附有离他们最近的开放避灾点。")


# --- ops2 ---
# The CLI's lists of a city deployment: the column saying where each warning went.
OPS_PLACE_COLUMN = "范围"
# A push or warning that would reach nobody: said before it is sent (CLI: refused unless --yes).
OPS_NOBODY_CLI = ("没有发送：{where}现在没有会收到的居民（要已核实、已绑定聊天、没有关闭{topic}）。"
                  "确实要发（只留下记录），请加 --yes")
# The staff chat's 发布预警 when no resident would get it: said before 确认发布, and after.
OPS_ALERT_NOBODY = ("请注意：现在没有居民会收到这条预警（要已核实、已绑定聊天、没有关闭预警）。"
                    "确认发布只会留下记录。\n\n{text}")
# `cunshe board notice add --push`: on the board, and queued to the 小区's 通知 subscribers.
OPS_NOTICE_CLI_PUSHED = "已发布通知 {id}：{title}，已排队推送给{n}位居民"
OPS_ALERT_SENT_NOBODY = "已发布{level}色预警“{title}”（编号{id}），只留下了记录：没有居民会收到。"
