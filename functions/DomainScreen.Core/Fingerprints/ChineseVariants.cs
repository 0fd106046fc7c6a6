using System.Collections.Frozen;
using System.Text;

namespace DomainScreen.Core.Fingerprints;

/// <summary>
/// Variants of a lexicon term as pages write it: Traditional characters (Hong Kong, Taiwan and many abuse sites
/// use them) and full-width Latin letters and digits. The engine matches every variant, so pages are searched as
/// they are, with offsets into the original text. The table covers common simplified→traditional pairs; where a
/// simplified character has several traditional forms the commonest is used.
/// </summary>
public static class ChineseVariants
{
    private const string Pairs = "爱愛罢罷备備贝貝笔筆边邊变變标標别別宾賓补補参參仓倉产產长長尝嘗厂廠车車彻徹尘塵称稱迟遲齿齒虫蟲础礎处處触觸传傳创創词詞从從达達带帶单單担擔胆膽当當党黨导導灯燈敌敵递遞点點电電调調东東冻凍动動独獨断斷对對队隊夺奪恶惡尔爾儿兒发發范範饭飯访訪飞飛费費奋奮风風肤膚妇婦复復盖蓋赶趕个個给給沟溝构構购購顾顧关關观觀广廣归歸贵貴过過国國还還汉漢号號后後护護华華画畫划劃怀懷坏壞欢歡环環换換汇匯会會获獲击擊机機积積极極际際继繼价價艰艱舰艦奖獎讲講胶膠阶階节節洁潔尽盡紧緊进進惊驚竞競旧舊举舉剧劇据據觉覺开開块塊亏虧兰蘭拦攔栏欄烂爛乐樂类類礼禮联聯炼煉练練两兩辆輛疗療临臨邻鄰龄齡灵靈龙龍楼樓录錄陆陸乱亂么麼梦夢庙廟灭滅难難鸟鳥宁寧农農盘盤苹蘋凭憑扑撲启啟签簽牵牽纤纖窃竊庆慶权權劝勸确確让讓扰擾热熱认認荣榮伞傘丧喪扫掃涩澀伤傷摄攝声聲胜勝湿濕实實适適势勢兽獸书書术術树樹帅帥双雙苏蘇虽雖随隨态態坛壇叹嘆体體条條铁鐵听聽厅廳头頭图圖团團网網为為卫衛稳穩务務雾霧习習戏戲吓嚇显顯县縣乡鄉响響协協胁脅写寫兴興悬懸选選压壓盐鹽阳陽养養样樣钥鑰药藥爷爺叶葉医醫亿億忆憶应應拥擁忧憂优優邮郵誉譽园園远遠愿願跃躍运運杂雜脏髒战戰这這证證帜幟职職钟鐘种種众眾烛燭筑築庄莊妆妝装裝壮壯状狀浊濁总總钻鑽键鍵脸臉视視频頻时時软軟线線伪偽拟擬无無语語脱脫恋戀审審闻聞谣謠阵陣转轉账賬卖賣买買兑兌码碼统統载載话話绘繪员員验驗试試宝寶数數册冊记記报報专專项項谨謹诈詐骗騙论論综綜检檢测測该該侣侶虚虛库庫现現钱錢级級问問题題请請说說们們诉訴订訂链鏈页頁纪紀谈談讯訊译譯设設计計识識读讀课課详詳细細经經营營销銷质質额額货貨资資贷貸赚賺锁鎖镜鏡颜顏脑腦编編辑輯户戶鉴鑒闭閉闲閒间間门門闪閃览覽贴貼赠贈亲親诗詩谁誰评評许許错錯误誤络絡约約红紅纯純结結绝絕维維缘緣缩縮续續织織终終组組绍紹扩擴扬揚挂掛损損携攜赏賞顶頂顺順须須预預领領颖穎饰飾馆館驱驅骚騷鱼魚鲜鮮麦麥黄黃龟龜侦偵侠俠俭儉债債倾傾仅僅伦倫伟偉恼惱悦悅惯慣愤憤懒懶罗羅帐帳币幣师師帮幫庞龐废廢异異弃棄张張弹彈强強征徵径徑惧懼惨慘扎紮执執抚撫抢搶择擇挡擋挤擠挥揮捞撈捡撿掷擲搀攙摇搖摊攤敛斂斋齋旷曠昼晝晓曉晕暈暂暫杀殺杆桿枪槍柜櫃栋棟桥橋档檔欧歐毕畢毁毀气氣没沒泪淚泽澤浅淺济濟浓濃涂塗润潤涨漲渐漸温溫满滿滤濾滚滾灿燦炉爐烟煙烧燒牍牘犹猶狮獅猎獵玛瑪畅暢监監硕碩祸禍离離秃禿秘祕穷窮笼籠简簡粮糧纠糾纳納纵縱纷紛纸紙纹紋纺紡驳駁驶駛驻駐驾駕骂罵骑騎邓鄧郑鄭酱醬释釋里裏针針钓釣钙鈣钢鋼钩鉤铃鈴铜銅铭銘铺鋪银銀锅鍋锐銳锚錨锦錦锻鍛镇鎮闯闖闹鬧阅閱阴陰陈陳险險隐隱雏雛静靜韩韓飘飄饮飲饱飽饼餅馈饋驰馳鬓鬢鸡雞鸣鳴鹰鷹齐齊";

    private static readonly FrozenDictionary<char, char> SimplifiedToTraditional = Build();

    private static FrozenDictionary<char, char> Build()
    {
        var map = new Dictionary<char, char>();
        for (var i = 0; i + 1 < Pairs.Length; i += 2) map.TryAdd(Pairs[i], Pairs[i + 1]);
        return map.ToFrozenDictionary();
    }

    /// <summary>The term, its traditional form, and full-width forms of both (distinct).</summary>
    public static IReadOnlyList<string> Of(string term)
    {
        var traditional = ToTraditional(term);
        return new[] { term, traditional, ToFullWidth(term), ToFullWidth(traditional) }.Distinct(StringComparer.Ordinal).ToArray();
    }

    public static string ToTraditional(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text) sb.Append(SimplifiedToTraditional.TryGetValue(c, out var t) ? t : c);
        return sb.ToString();
    }

    /// <summary>ASCII letters and digits as their full-width forms (U+FF01–U+FF5E); other characters unchanged.</summary>
    public static string ToFullWidth(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text) sb.Append(char.IsAsciiLetterOrDigit(c) ? (char)(c - 0x21 + 0xFF01) : c);
        return sb.ToString();
    }
}
