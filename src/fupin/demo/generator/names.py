"""Name material: surnames with rough national frequencies, given-name characters by sex and
birth cohort, and the elements of village names in Hunan and Hubei."""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _weights(text: str) -> dict[str, float]:
    """ "王 7.1 李 7.0 …" as a mapping."""
    parts = text.split()
    return {name: float(share) for name, share in zip(parts[::2], parts[1::2], strict=True)}


# Share of the national population in per cent, roughly as the 2019/2020 public surname
# rankings give them (王 李 张 about 7 % each, the long tail 0.1–0.2 %).
SURNAMES = _weights(
    """
    王 7.1 李 7.0 张 6.8 刘 5.4 陈 4.6 杨 3.1 黄 2.4 赵 2.2 吴 2.1 周 2.1 徐 1.7 孙 1.5
    马 1.5 朱 1.3 胡 1.3 郭 1.2 何 1.2 高 1.1 林 1.1 罗 1.0 郑 0.9 梁 0.9 谢 0.8 宋 0.8
    唐 0.8 许 0.7 韩 0.7 冯 0.7 邓 0.7 曹 0.7 彭 0.6 曾 0.6 萧 0.6 田 0.5 董 0.5 袁 0.5
    潘 0.5 于 0.5 蒋 0.5 蔡 0.5 余 0.4 杜 0.4 叶 0.4 程 0.4 苏 0.4 魏 0.4 吕 0.4 丁 0.4
    任 0.4 沈 0.4 姚 0.3 卢 0.3 姜 0.3 崔 0.3 钟 0.3 谭 0.3 陆 0.3 汪 0.3 范 0.3 金 0.3
    石 0.3 廖 0.3 贾 0.3 夏 0.3 韦 0.3 傅 0.3 方 0.3 邹 0.2 孟 0.2 熊 0.2 秦 0.2 邱 0.2
    江 0.2 尹 0.2 薛 0.2 阎 0.2 段 0.2 雷 0.2 侯 0.2 龙 0.2 白 0.2 史 0.2 郝 0.2 孔 0.2
    邵 0.2 毛 0.2 常 0.2 万 0.2 顾 0.2 赖 0.2 武 0.2 康 0.2 贺 0.2 严 0.2 钱 0.2 施 0.1
    牛 0.1 洪 0.1 龚 0.1
    """
)

# Surnames that are more common in a province than nationally (a plausible local flavour,
# not a survey): a factor on the national share.
REGIONAL_SURNAMES = {
    "43": _weights(
        """
        刘 1.6 罗 2.5 谭 3.0 曾 2.5 彭 2.0 邓 2.0 唐 2.0 廖 2.0 袁 2.0 贺 2.5 龙 2.5 蒋 2.0
        萧 2.0 周 1.5 王 0.8 张 0.8 孙 0.4 马 0.4 郭 0.6 韩 0.4 于 0.2
        """
    ),
    "42": _weights(
        """
        胡 1.8 万 2.5 雷 1.8 程 1.8 汪 1.8 熊 2.0 余 1.8 夏 1.8 邹 1.5 龚 2.0 孙 0.6 于 0.3
        韩 0.5
        """
    ),
}

# Households of the 花瑶 in 隆回 (虎形山) and the Yao of 双牌 (上梧江) carry a few surnames
# of their own; the Hui of 山界 mostly 马.
ETHNIC_SURNAMES = {
    "瑶族": _weights("奉 3.0 沈 2.5 杨 2.0 蓝 1.5 赵 1.5 盘 1.5 李 1.0 邓 1.0"),
    "回族": _weights("马 5.0 刘 1.0 郭 0.8 蒋 0.8 哈 0.4 王 0.6"),
}

# Given-name characters by sex and birth cohort (before 1965, 1965–1989, from 1990): two
# characters drawn from ``first`` then ``second``, or one from ``second``.
GIVEN = {
    ("male", 0): (
        "德国建长光永志文明福金生云正春秋有家新发开中华玉茂成和顺清满先树运冬松庆仁炳",
        "生明华林福平成发清山才荣云贵兴财安全保春秋良元和军祥喜昌宝忠海富根桂",
    ),
    ("male", 1): (
        "建志国军海小红卫勇伟永新立俊晓云春文宏东继湘振爱利跃",
        "军平华明兵强勇伟斌辉林峰波涛刚杰龙亮成超鹏军锋飞武华",
    ),
    ("male", 2): (
        "子浩宇俊梓皓一泽博思文家嘉天明志鑫晨逸承睿宏煜",
        "轩宇涵杰航睿然豪阳博辰洋浩鑫翔哲铭凯宸霖彬瑞诚",
    ),
    ("female", 0): (
        "秀桂玉冬春翠金菊梅满兰淑凤素爱巧月彩腊",
        "英兰珍莲花香梅娥凤秀芝华菊娟云仙妹姣娇",
    ),
    ("female", 1): (
        "丽小红海艳晓春秋美玉建雪利湘爱金",
        "芳红霞燕娟丽敏华玲琴萍平梅英艳静",
    ),
    ("female", 2): (
        "子梓雨欣思诗佳语可紫若一嘉婉心依",
        "涵萱怡琪彤妍琳菲悦婷瑶蕊雯晨洁馨",
    ),
}
SINGLE_CHARACTER_SHARE = (0.12, 0.35, 0.15)  # by cohort

# Village names: modifier + landform, a clan name + 家 + landform, or a name of the 1950s–60s.
VILLAGE_MODIFIERS = (
    "大小上下东西南北新老高长黄白青红金石竹枫桃梅荷龙凤马双茶杉松柳樟田水岩鹿狮"
    "云花梨桂莲清太中前后横沙兰杨柏古"
)
VILLAGE_LANDFORMS = "塘坪冲湾岭山田溪桥江洲口坳坡峰岩湖港铺园坝源林潭井屋庄坊门垅"
CLAN_NAMES = "刘罗曾袁李王周陈萧钟杨黄张谢唐邓彭谭廖贺龙蒋胡吴何高石马易严夏阳邹伍"
COMMUNE_NAMES = _words(
    """
    和平 红星 红旗 光明 胜利 团结 民主 幸福 新华 东风
    向阳 建设 联合 群英 前进 永兴 先锋 友谊 新民 长春
    """
)
