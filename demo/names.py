"""Fixed name pools: people (Chinese name with pinyin), places and company-name parts.

Names are data, not randomness: the roster must be readable in both CRMs (Zoho shows the
pinyin user name, Fxiaoke the Chinese name), so each rep's pair is written out here.
"""
from __future__ import annotations

COMPANY_NAME = "云杉科技"
EMAIL_DOMAIN = "yunshan-tech.cn"

#: (Chinese name, pinyin) of the sales reps, in rep_id order R001, R002, …
REP_NAMES: tuple[tuple[str, str], ...] = (
    ("张伟", "Zhang Wei"), ("王芳", "Wang Fang"), ("李娜", "Li Na"), ("刘洋", "Liu Yang"),
    ("陈静", "Chen Jing"), ("杨磊", "Yang Lei"), ("赵敏", "Zhao Min"), ("黄勇", "Huang Yong"),
    ("周杰", "Zhou Jie"), ("吴婷", "Wu Ting"), ("徐强", "Xu Qiang"), ("孙丽", "Sun Li"),
    ("马超", "Ma Chao"), ("朱琳", "Zhu Lin"), ("胡军", "Hu Jun"), ("郭晶", "Guo Jing"),
    ("何平", "He Ping"), ("高翔", "Gao Xiang"), ("林峰", "Lin Feng"), ("罗丹", "Luo Dan"),
    ("郑凯", "Zheng Kai"), ("梁爽", "Liang Shuang"), ("谢涛", "Xie Tao"), ("宋佳", "Song Jia"),
    ("唐亮", "Tang Liang"), ("韩雪", "Han Xue"),
)

#: Team managers (not reps: they own no records).
MANAGER_NAMES: tuple[str, ...] = ("钱进", "冯建国", "曹敏", "彭辉", "董明", "袁媛", "蒋涛", "沈冰")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程魏苏吕丁任沈"
GIVEN_NAMES = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "建华", "文", "华", "红", "志强", "晓东", "海燕", "国庆",
)

#: (city, province, telephone area code) per sales region; provinces lie in the region a
#: geography table would give them, so territory and geography never disagree.
CITIES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "华东": (("上海", "上海", "021"), ("南京", "江苏", "025"), ("苏州", "江苏", "0512"),
             ("无锡", "江苏", "0510"), ("杭州", "浙江", "0571"), ("宁波", "浙江", "0574"),
             ("合肥", "安徽", "0551"), ("青岛", "山东", "0532")),
    "华南": (("广州", "广东", "020"), ("深圳", "广东", "0755"), ("东莞", "广东", "0769"),
             ("佛山", "广东", "0757"), ("珠海", "广东", "0756"), ("桂林", "广西", "0773"),
             ("南宁", "广西", "0771"), ("海口", "海南", "0898")),
    "华北": (("北京", "北京", "010"), ("天津", "天津", "022"), ("石家庄", "河北", "0311"),
             ("唐山", "河北", "0315"), ("太原", "山西", "0351"), ("呼和浩特", "内蒙古", "0471"),
             ("大同", "山西", "0352"), ("保定", "河北", "0312")),
    "西南": (("成都", "四川", "028"), ("绵阳", "四川", "0816"), ("重庆", "重庆", "023"),
             ("昆明", "云南", "0871"), ("贵阳", "贵州", "0851"), ("遵义", "贵州", "0851"),
             ("南充", "四川", "0817"), ("曲靖", "云南", "0874")),
}

#: Two halves of a brand name (e.g. 恒 + 达 = 恒达): thousands of brands per city and suffix.
BRAND_FIRST = "恒华鼎瑞金宏天立博新凯永嘉盛中远东方信诚通和安泰长兴广明德润康源海正"\
              "合益佳宇卓创锦航丰达蓝星九汇启力美晨峰联光辉弘坤元晟昊朗"
BRAND_SECOND = "达通盛丰泰源信诚安和昌隆宇辉明鑫华威科邦创联合发顺祥瑞腾越成林韵霖骏"\
               "峰翔睿博宏凯利远航星洋辰启恒业润嘉铭耀晖旭嵘澜煜豪鸿"

#: Industry (Chinese, English) and the company-name suffixes a customer of it may carry.
INDUSTRIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("制造业", "Manufacturing", ("精密机械有限公司", "电子科技有限公司", "汽车零部件有限公司", "新材料股份有限公司")),
    ("零售", "Retail", ("商贸有限公司", "连锁超市有限公司", "百货有限公司")),
    ("教育", "Education", ("教育科技有限公司", "职业技术学院", "培训学校")),
    ("医疗健康", "Healthcare", ("医疗器械有限公司", "健康管理有限公司", "医药连锁有限公司")),
    ("物流", "Logistics", ("物流有限公司", "供应链管理有限公司", "货运代理有限公司")),
    ("金融", "Financial Services", ("融资租赁有限公司", "投资管理有限公司")),
    ("酒店餐饮", "Hospitality", ("酒店管理有限公司", "餐饮管理有限公司")),
    ("房地产", "Real Estate", ("置业有限公司", "物业服务有限公司", "建设工程有限公司")),
)
