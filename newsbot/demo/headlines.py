"""Headlines of the other stories an edition's chrome lists (menus, aside, footer) on fixture pages
of editions the demo site does not serve: (vertical, slug, headline). They have no page."""

from __future__ import annotations

HEADLINES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "it": (
        (
            "my-europe",
            "parlamento-europeo-approva-nuove-regole-imballaggi",
            "Il Parlamento europeo approva le nuove regole sugli imballaggi",
        ),
        (
            "business",
            "bce-lascia-invariati-i-tassi-per-il-terzo-mese",
            "La Bce lascia invariati i tassi d'interesse per il terzo mese",
        ),
        (
            "green",
            "sardegna-parco-eolico-galleggiante-divide-pescatori",
            "In Sardegna un parco eolico galleggiante divide i pescatori",
        ),
        (
            "culture",
            "a-torino-una-mostra-racconta-cento-anni-di-radio",
            "A Torino una mostra racconta cento anni di radio",
        ),
        (
            "health",
            "medici-di-base-mancano-oltre-mille-professionisti",
            "Medici di base, in dieci regioni mancano oltre mille professionisti",
        ),
        (
            "travel",
            "treni-notturni-tornano-i-collegamenti-tra-roma-e-vienna",
            "Treni notturni, tornano i collegamenti tra Roma e Vienna",
        ),
        (
            "next",
            "app-aiuta-i-comuni-a-mappare-le-buche",
            "Un'app aiuta i comuni a mappare le buche nelle strade",
        ),
        (
            "news",
            "nevicate-tardive-chiudono-due-valichi-alpini",
            "Nevicate tardive chiudono due valichi alpini",
        ),
    ),
    "es": (
        (
            "my-europe",
            "bruselas-propone-simplificar-ayudas-agricolas",
            "Bruselas propone simplificar las ayudas agrícolas",
        ),
        (
            "business",
            "precio-vivienda-sube-octavo-trimestre-consecutivo",
            "El precio de la vivienda sube por octavo trimestre consecutivo",
        ),
        (
            "green",
            "valencia-planta-20000-arboles-para-refrescar-barrios",
            "Valencia planta 20.000 árboles para refrescar sus barrios",
        ),
        (
            "culture",
            "festival-cine-rural-llena-pueblos-de-soria",
            "Un festival de cine rural llena los pueblos de Soria",
        ),
        (
            "health",
            "centros-de-salud-amplian-horario-de-tarde",
            "Los centros de salud amplían el horario de tarde",
        ),
        (
            "travel",
            "albergues-camino-de-santiago-baten-record-reservas",
            "Los albergues del Camino de Santiago baten récord de reservas",
        ),
        (
            "next",
            "universidad-prueba-autobuses-sin-conductor-campus",
            "Una universidad prueba autobuses sin conductor en su campus",
        ),
        (
            "news",
            "temporal-viento-galicia-deja-miles-casas-sin-luz",
            "Un temporal de viento en Galicia deja miles de casas sin luz",
        ),
    ),
    "pt": (
        (
            "my-europe",
            "conselho-ue-aprova-regras-carregamento-carros-eletricos",
            "Conselho da UE aprova regras comuns para carregar carros elétricos",
        ),
        (
            "business",
            "exportacoes-de-cortica-atingem-novo-maximo",
            "Exportações de cortiça atingem novo máximo",
        ),
        (
            "green",
            "lisboa-testa-autocarros-hidrogenio-duas-linhas",
            "Lisboa testa autocarros a hidrogénio em duas linhas",
        ),
        (
            "culture",
            "festival-de-fado-leva-concertos-aldeias-interior",
            "Festival de fado leva concertos a aldeias do interior",
        ),
        (
            "health",
            "farmacias-passam-a-vacinar-contra-gripe-sem-receita",
            "Farmácias passam a vacinar contra a gripe sem receita",
        ),
        (
            "travel",
            "comboio-historico-volta-a-subir-vale-do-douro",
            "Comboio histórico volta a subir o vale do Douro",
        ),
        (
            "next",
            "startup-do-porto-cria-sensores-fugas-de-agua",
            "Startup do Porto cria sensores para detetar fugas de água",
        ),
        (
            "news",
            "chuva-forte-provoca-inundacoes-no-algarve",
            "Chuva forte provoca inundações no Algarve",
        ),
    ),
    "el": (
        (
            "my-europe",
            "ypourgoi-ee-koinoi-kanones-gia-tous-epivates",
            "Οι υπουργοί της ΕΕ συμφωνούν σε κοινούς κανόνες για τους επιβάτες",
        ),
        (
            "business",
            "afksanontai-oi-eksagoges-elaioladou",
            "Αυξάνονται οι εξαγωγές ελαιολάδου για δεύτερη χρονιά",
        ),
        (
            "green",
            "thessaloniki-fytevei-dentra-se-sxolikes-avles",
            "Η Θεσσαλονίκη φυτεύει δέντρα σε σχολικές αυλές",
        ),
        (
            "culture",
            "arxaio-theatro-anoigei-ksana-gia-parastaseis",
            "Αρχαίο θέατρο ανοίγει ξανά για παραστάσεις το καλοκαίρι",
        ),
        (
            "health",
            "nea-kentra-ygeias-se-nisia-tou-aigaiou",
            "Νέα κέντρα υγείας ανοίγουν σε νησιά του Αιγαίου",
        ),
        (
            "travel",
            "perissotera-dromologia-ploion-pros-kyklades",
            "Περισσότερα δρομολόγια πλοίων προς τις Κυκλάδες το Πάσχα",
        ),
        (
            "next",
            "foitites-sxediazoun-doryforo-gia-ta-dasi",
            "Φοιτητές σχεδιάζουν δορυφόρο για την παρακολούθηση δασών",
        ),
        (
            "news",
            "isxyroi-anemoi-kleinoun-limania-sto-aigaio",
            "Ισχυροί άνεμοι κλείνουν λιμάνια στο Αιγαίο",
        ),
    ),
    "pl": (
        (
            "my-europe",
            "poslowie-do-pe-chca-prostszych-zasad-dla-malych-firm",
            "Posłowie do PE chcą prostszych zasad dla małych firm",
        ),
        (
            "business",
            "inflacja-w-strefie-euro-spada-trzeci-miesiac",
            "Inflacja w strefie euro spada trzeci miesiąc z rzędu",
        ),
        (
            "green",
            "krakow-zamienia-parkingi-w-ogrody-deszczowe",
            "Kraków zamienia parkingi w ogrody deszczowe",
        ),
        (
            "culture",
            "festiwal-jazzowy-w-gdansku-oglasza-program",
            "Festiwal jazzowy w Gdańsku ogłasza program",
        ),
        (
            "health",
            "szpitale-powiatowe-dostana-nowe-karetki",
            "Szpitale powiatowe dostaną nowe karetki",
        ),
        (
            "travel",
            "nocny-pociag-z-warszawy-do-splitu-wraca",
            "Nocny pociąg z Warszawy do Splitu wraca na wakacje",
        ),
        (
            "next",
            "studenci-z-wroclawia-buduja-lazik",
            "Studenci z Wrocławia budują łazik na międzynarodowy konkurs",
        ),
        ("news", "silny-wiatr-zrywa-dachy-na-pomorzu", "Silny wiatr zrywa dachy na Pomorzu"),
    ),
    "ru": (
        (
            "my-europe",
            "strany-es-dogovorilis-o-pravilah-dlya-nochnyh-poezdov",
            "Страны ЕС договорились о единых правилах для ночных поездов",
        ),
        (
            "business",
            "tseny-na-kofe-vyrosli-do-rekordnogo-urovnya",
            "Цены на кофе на биржах выросли до рекордного уровня",
        ),
        (
            "green",
            "v-helsinki-testiruyut-otoplenie-ot-tepla-serverov",
            "В Хельсинки тестируют отопление от тепла серверов",
        ),
        (
            "culture",
            "v-rige-otkrylas-vystavka-ob-istorii-radio",
            "В Риге открылась выставка о столетней истории радио",
        ),
        (
            "health",
            "apteki-soobshchayut-o-nehvatke-detskih-lekarstv",
            "Европейские аптеки сообщают о нехватке детских лекарств",
        ),
        (
            "travel",
            "alpiyskie-derevni-ogranichivayut-vezd-avtobusov",
            "Альпийские деревни ограничивают въезд туристических автобусов",
        ),
        (
            "next",
            "studenty-postroili-malenkiy-sputnik",
            "Студенты построили спутник размером с коробку из-под обуви",
        ),
        (
            "news",
            "shtorm-na-baltike-paralizoval-rabotu-paromov",
            "Шторм на Балтике парализовал работу паромов",
        ),
    ),
    "tr": (
        (
            "my-europe",
            "ab-bakanlari-tren-yolcularinin-haklari-icin-uzlasti",
            "AB bakanları tren yolcularının hakları için yeni kurallarda uzlaştı",
        ),
        ("business", "findik-ihracatinda-yeni-rekor", "Fındık ihracatında yeni rekor"),
        (
            "green",
            "izmirde-catilar-gunes-panelleriyle-kaplaniyor",
            "İzmir'de çatılar güneş panelleriyle kaplanıyor",
        ),
        (
            "culture",
            "kapadokyada-acik-hava-film-festivali-basliyor",
            "Kapadokya'da açık hava film festivali başlıyor",
        ),
        (
            "health",
            "aile-hekimleri-aksam-saatlerinde-hasta-kabul-edecek",
            "Aile hekimleri akşam saatlerinde de hasta kabul edecek",
        ),
        ("travel", "karadeniz-yaylalarina-turist-akini", "Karadeniz yaylalarına turist akını"),
        (
            "next",
            "ogrenciler-deprem-uyari-uygulamasi-gelistirdi",
            "Üniversite öğrencileri deprem uyarı uygulaması geliştirdi",
        ),
        (
            "news",
            "firtina-nedeniyle-bogaz-gemi-trafigine-kapatildi",
            "Fırtına nedeniyle İstanbul Boğazı gemi trafiğine kapatıldı",
        ),
    ),
    "hu": (
        (
            "my-europe",
            "unios-miniszterek-megallapodtak-az-ejszakai-vonatokrol",
            "Az uniós miniszterek megállapodtak az éjszakai vonatok szabályairól",
        ),
        ("business", "rekordot-dontott-a-magyar-borexport", "Rekordot döntött a magyar borexport"),
        (
            "green",
            "szegeden-esovizgyujto-kerteket-epitenek",
            "Szegeden esővízgyűjtő kerteket építenek a lakótelepeken",
        ),
        (
            "culture",
            "uj-koncertteremmel-bovul-a-debreceni-zeneiskola",
            "Új koncertteremmel bővül a debreceni zeneiskola",
        ),
        (
            "health",
            "hetvegen-is-rendelnek-a-haziorvosi-ugyeletek",
            "Hétvégén is rendelnek a háziorvosi ügyeletek",
        ),
        (
            "travel",
            "ujraindul-a-nosztalgiavonat-a-balaton-felvideken",
            "Újraindul a nosztalgiavonat a Balaton-felvidéken",
        ),
        (
            "next",
            "egyetemistak-epitettek-mezogazdasagi-dront",
            "Egyetemisták építettek mezőgazdasági drónt",
        ),
        (
            "news",
            "viharos-szel-miatt-aramszunet-tobb-megyeben",
            "Viharos szél miatt áramszünet több megyében",
        ),
    ),
    "ar": (
        (
            "my-europe",
            "wuzara-al-ittihad-al-urubi-qawaid-al-qitarat-al-layliya",
            "وزراء الاتحاد الأوروبي يتفقون على قواعد مشتركة للقطارات الليلية",
        ),
        (
            "business",
            "irtifa-saderat-al-tumur-ila-mustawa-qiyasi",
            "ارتفاع صادرات التمور إلى مستوى قياسي",
        ),
        (
            "green",
            "madina-urubiya-takhtabir-alwah-shamsiya-aima",
            "مدينة أوروبية تختبر ألواحا شمسية عائمة فوق خزان مياه",
        ),
        (
            "culture",
            "mahrajan-lil-musiqa-al-andalusiya",
            "مهرجان للموسيقى الأندلسية يجمع فرقا من ضفتي المتوسط",
        ),
        (
            "health",
            "saydaliyat-urubiya-naqs-adwiyat-al-atfal",
            "صيدليات أوروبية تعاني نقصا في أدوية الأطفال",
        ),
        (
            "travel",
            "qura-jibal-al-alb-tahudd-min-al-hafilat",
            "قرى جبال الألب تحد من دخول حافلات السياح",
        ),
        (
            "next",
            "tullab-yusammimun-qamaran-sinaiyan-li-rasd-al-ghabat",
            "طلاب جامعيون يصممون قمرا صناعيا صغيرا لرصد الغابات",
        ),
        (
            "news",
            "asifa-tuqif-harakat-al-abbarat-fi-al-baltiq",
            "عاصفة شتوية توقف حركة العبارات في بحر البلطيق",
        ),
    ),
}
