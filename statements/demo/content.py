"""The demo's text: organizations, topics, statements and staff accounts.

Everything here is fiction written for this project: the organizations, the city
of Riverside and the people quoted do not exist. Statements name their pictures
by their key in `pictures.IMAGES`.
"""

from dataclasses import dataclass

from advocacy import roles
from statements.models import Statement

# --- Organizations and topics ---------------------------------------------------

ORGANIZATIONS = [
    {
        "slug": "coalition-for-peaceful-futures",
        "name": "Coalition for Peaceful Futures",
        "url": "https://peacefutures.example.org/",
        "description": (
            "A network of local peace groups working for disarmament, diplomacy and "
            "the protection of civilians in conflict."
        ),
    },
    {
        "slug": "riverside-tenants-alliance",
        "name": "Riverside Tenants’ Alliance",
        "url": "https://riverside-tenants.example.org/",
        "description": (
            "Tenants organizing building by building for fair rents, timely repairs "
            "and an end to no-fault evictions."
        ),
    },
    {
        "slug": "harbour-workers-assembly",
        "name": "Harbour Workers’ Assembly",
        "url": "https://harbourworkers.example.org/",
        "description": (
            "A cross-union assembly of dock, warehouse and transport workers in the "
            "port of Riverside."
        ),
    },
    {
        "slug": "green-commons-network",
        "name": "Green Commons Network",
        "url": "https://greencommons.example.org/",
        "description": (
            "Neighbourhood climate groups pushing for clean energy, cooler streets and "
            "a transition that leaves no worker behind."
        ),
    },
    {
        "slug": "northgate-tenants-union",
        "name": "Northgate Tenants’ Union",
        "url": "https://northgate-tenants.example.org/",
        "description": (
            "An allied tenants’ union in the Northgate district, running a day centre "
            "and winter outreach with volunteers."
        ),
    },
]

TOPICS = [
    {
        "slug": "peace",
        "name": "Peace",
        "description": "Disarmament, diplomacy and the protection of civilians.",
    },
    {
        "slug": "housing",
        "name": "Housing",
        "description": "Rents, repairs, evictions, shelters and the right to a home.",
    },
    {
        "slug": "labor",
        "name": "Labor",
        "description": "Wages, safety at work and the freedom to organize.",
    },
    {
        "slug": "climate",
        "name": "Climate",
        "description": "Heat, floods, clean energy and a fair transition.",
    },
]


# --- Statements -----------------------------------------------------------------


@dataclass(frozen=True)
class DemoStatement:
    slug: str
    title: str
    organizations: tuple
    topics: tuple
    # Publish time relative to the load, so a fresh demo always has recent news
    # and an archive spread over several months.
    days_ago: int
    summary: str
    # `[[figure:key]]` marks where an image from IMAGES goes between paragraphs.
    body: str
    issued_days_before: int = 0
    status: str = Statement.Status.PUBLISHED
    featured_image: str = ""
    source_name: str = ""
    source_url: str = ""
    editor_note: str = ""
    language: str = "en"
    # The slug of the statement this one translates (listed before it).
    translation_of: str = ""


STATEMENTS = [
    DemoStatement(
        slug="open-the-winter-shelters-at-zero",
        title="Open the winter shelters at 0 °C, not at \u221210 °C",
        organizations=("northgate-tenants-union",),
        topics=("housing",),
        days_ago=4,
        issued_days_before=2,
        summary=(
            "The city opens its emergency shelters only below \u221210 °C. Our allies in "
            "Northgate ask for a threshold at freezing, daytime opening on the coldest "
            "days and a decision published by noon."
        ),
        source_name="Northgate Tenants’ Union",
        source_url=(
            "https://northgate-tenants.example.org/statements/open-the-winter-shelters-at-zero/"
        ),
        editor_note=(
            "We repost this statement from our allies at the Northgate Tenants’ Union with "
            "their permission. The council’s social affairs committee discusses the winter "
            "shelter rules at its next session; the agenda is public."
        ),
        featured_image="warm-beds-poster",
        body="""
<p>Every winter the city opens its emergency shelters only when the night-time
temperature is forecast to fall below \u221210 °C. Above that line, people sleeping
outside are expected to manage on their own. We believe this threshold is arbitrary,
dangerous and out of step with what doctors and outreach workers tell us.</p>
<p>Hypothermia does not wait for a round number. Wet clothing, wind, hunger and
exhaustion put people at risk well above freezing. Last winter, our outreach
volunteers recorded eleven nights on which people left the day centre at closing
time with nowhere to go, while the temperature hovered just above the official
limit.</p>
[[figure:northgate-night]]
<h2>What we are asking for</h2>
<ul>
<li>Open the emergency shelters whenever the forecast is 0 °C or below, or when rain
and wind make it feel that cold.</li>
<li>Keep them open during the day on the coldest days, instead of sending people back
onto the street at eight in the morning.</li>
<li>Publish the decision by noon each day, so that outreach teams can tell people
where to go.</li>
<li>Involve people who have slept outside in reviewing the rules every autumn.</li>
</ul>
<h2>It can be done</h2>
<p>Several cities of a similar size already open their shelters at freezing. The
extra cost is modest: heating, staff hours and hot meals for the nights between
0 °C and \u221210 °C. It is far less than the cost of emergency admissions, and it
cannot be weighed against a single life.</p>
<blockquote><p>“The cold does not check the forecast before it gets into your bones. At
minus two I could not feel my feet, and the shelter was still closed.”</p>
<p>— A Northgate resident who slept outside last winter</p></blockquote>
<p>We call on the city council to change the rule before the first frost. We thank
the volunteers, nurses and neighbours who keep the day centre going, and we invite
every tenants’ group in the city to add its name to this appeal.</p>
""",
    ),
    DemoStatement(
        slug="our-harbour-will-not-become-an-arms-depot",
        title="Our harbour will not become an arms depot",
        organizations=(
            "harbour-workers-assembly",
            "coalition-for-peaceful-futures",
            "green-commons-network",
        ),
        topics=("peace", "labor"),
        days_ago=19,
        issued_days_before=1,
        summary=(
            "The port authority is quietly negotiating to lease the old grain terminal for "
            "military shipments. Workers and residents were not asked. We call for the "
            "lease to be published and a public hearing held."
        ),
        featured_image="harbour-gates",
        body="""
<p>The port authority has confirmed that it is negotiating a long-term lease of the
old grain terminal to a logistics company that specializes in moving military
equipment. The plan was never announced; it surfaced in the minutes of a board
meeting. We, the undersigned organizations, oppose it.</p>
<h2>A port for the city, not for wars</h2>
<p>Our harbour was rebuilt with public money to serve trade, fishing and the ferries
that link the islands to the mainland. Turning a third of its quay space into a
transit point for weapons would make it a target, crowd out civilian work and tie
the city to conflicts its residents have never been asked about.</p>
<p>Dock workers tell us they were not consulted on safety rules for handling
munitions, and that the terminal’s fire equipment dates from the days when it
stored grain. The families in the streets behind the terminal were not told at
all.</p>
<blockquote><p>“We load whatever keeps the city fed and working. Nobody asked us whether
we want to load shells, and nobody asked the families who live four hundred metres
from the quay.”</p>
<p>— A crane operator and member of the Harbour Workers’ Assembly</p></blockquote>
<h2>Our demands</h2>
<ol>
<li>Publish the draft lease and every safety assessment made for it.</li>
<li>Hold a public hearing before the port board votes.</li>
<li>Invest in the terminal for civilian uses: a ferry hub, cold storage for the
fishing fleet, a repair yard for wind turbine parts.</li>
</ol>
<p>Peace is built in ordinary places, through ordinary decisions. A city that
refuses to become a link in the supply chain of war is making one of them.</p>
""",
    ),
    DemoStatement(
        slug="heat-rules-for-warehouse-workers-now",
        title="Heat rules for warehouse workers, now",
        organizations=("harbour-workers-assembly", "green-commons-network"),
        topics=("labor", "climate"),
        days_ago=33,
        summary=(
            "Workers measured 38 °C under a warehouse roof while pick rates stayed the same. "
            "We call for a maximum indoor working temperature, paid cooling breaks and no "
            "targets during heat alerts."
        ),
        featured_image="warehouse-crowd",
        body="""
<p>On the hottest afternoon of the summer, workers in Hall 4 of the logistics park
measured 38 °C under the roof, while the handheld scanners kept counting picks per
hour as if it were a cool spring morning. Two people fainted during that shift.
Neither incident appears in the company’s accident log.</p>
<p>Heat is now a workplace hazard every year, not an exception. Yet the rules that
protect indoor workers were written for a climate we no longer have, and they set
no upper temperature limit at all.</p>
[[figure:hall-four]]
<h2>What workers need</h2>
<ul>
<li>A legal maximum indoor working temperature, with work slowing or stopping above
it.</li>
<li>Paid cooling breaks of at least ten minutes every hour above 30 °C.</li>
<li>Free drinking water and a shaded rest area within two minutes’ walk of every
workstation.</li>
<li>No productivity targets during official heat alerts.</li>
<li>Thermometers that everyone can read, with readings kept for a year.</li>
</ul>
<p>These measures cost little compared with the hours lost to heat exhaustion. They
also belong in any serious climate policy: adapting workplaces to the heat we
already have is part of a fair transition.</p>
<p>We invite workers in every warehouse and depot to log temperatures this summer and
send them to us. Together we will take them to the labour inspectorate.</p>
""",
    ),
    DemoStatement(
        slug="the-flood-plan-leaves-the-east-bank-behind",
        title="The flood plan leaves the east bank behind",
        organizations=("green-commons-network",),
        topics=("climate", "housing"),
        days_ago=47,
        issued_days_before=1,
        summary=(
            "The new flood protection plan protects the business district first and leaves "
            "the low-lying east bank for a later phase with no date and no budget."
        ),
        body="""
<p>The city’s new flood protection plan is a serious piece of work, and we welcome
much of it. But read the maps closely and a pattern appears: the new walls and
pumping stations protect the business district and the west bank first, while the
low-lying streets of the east bank wait for “a later phase” with no date and no
budget.</p>
<p>The east bank is where rents are lowest, where most basement flats are, and where
the water came in three times in the last ten years. Its residents paid for the
clean-up themselves, often with borrowed money.</p>
<h2>Fair protection, in the right order</h2>
<p>We ask the council to rank flood works by the number of homes at risk and by how
hard it is for residents to recover, not by the value of the property behind the
wall. In practice that means:</p>
<ul>
<li>bringing the east bank pumping station into the first phase;</li>
<li>grants for flood doors and raised sockets in basement flats, open to tenants as
well as owners;</li>
<li>early warnings by text message in the five languages most spoken on the east
bank;</li>
<li>parks and verges that can hold water, not only concrete that pushes it
elsewhere.</li>
</ul>
<blockquote><p>Climate adaptation that protects the wealthy first is not adaptation. It is
a decision about who is allowed to be flooded.</p></blockquote>
<p>The consultation is open for six more weeks. We encourage everyone who lives or
works on the east bank to respond, and we will hold an information evening at the
community hall on Mill Lane.</p>
""",
    ),
    DemoStatement(
        slug="no-fault-evictions-rose-by-a-third",
        title="No-fault evictions rose by a third this year",
        organizations=("riverside-tenants-alliance",),
        topics=("housing",),
        days_ago=62,
        summary=(
            "Landlords in Riverside started 1,240 eviction cases against tenants who had done "
            "nothing wrong. We call for an end to no-fault evictions and free legal advice "
            "for every tenant served a notice."
        ),
        featured_image="east-side-blocks",
        body="""
<p>New figures from the county court show that landlords in Riverside started 1,240
eviction cases this year in which the tenant had done nothing wrong: no arrears, no
damage, no complaint. That is a third more than last year, and the highest number
since records began.</p>
<p>Behind each case is a household that has to find a new home in a city where rents
have risen far faster than wages. Children change schools. Older tenants lose the
neighbours who looked in on them. People who asked for a repair learn that asking
was a risk.</p>
<blockquote><p>“We reported the mould in January. In March we got the notice. The letter
said the landlord wanted to refurbish. In May the flat was advertised again, for two
hundred more a month.”</p>
<p>— A tenant from Riverside’s east side</p></blockquote>
<h2>End no-fault evictions</h2>
<p>A landlord should need a reason to end a tenancy, and that reason should be
tested. We call on the government to keep its promise to abolish no-fault
evictions, and on the city to act in the meantime: fund free legal advice for every
tenant who receives a notice, and publish eviction figures street by street every
quarter.</p>
<p>If you have received a notice, you are not alone. Our advice sessions run every
Tuesday evening, and nobody has to face a landlord or a court without support.</p>
""",
    ),
    DemoStatement(
        slug="diplomacy-is-not-weakness",
        title="Diplomacy is not weakness",
        organizations=("coalition-for-peaceful-futures",),
        topics=("peace",),
        days_ago=78,
        summary=(
            "Calls for negotiation are increasingly dismissed as naive. We answer calmly: "
            "every war ends at a table, and the only question is how many people die first."
        ),
        body="""
<p>In recent weeks, more and more voices in public debate have treated any call for
negotiation as naive, or even as disloyal. We want to answer them calmly, because
the stakes are too high for slogans.</p>
<p>Diplomacy is not the opposite of strength. It is the work of turning strength into
agreements that hold: ceasefires that are monitored, prisoners who come home,
corridors through which food and medicine can pass. Every war in living memory
ended at a table. The only question is how many people die before the parties reach
it.</p>
<h2>What we ask of our government</h2>
<ul>
<li>Support every credible effort at mediation, including those led by neutral states
and regional bodies.</li>
<li>Restore funding for the civilian peace service, which has been cut three years in
a row.</li>
<li>Make arms export decisions transparent and subject to parliamentary
scrutiny.</li>
<li>Defend the right of citizens to argue for peace without being accused of siding
with an aggressor.</li>
</ul>
<blockquote><p>Talking to an adversary is not a reward for the adversary. It is a duty to
the people caught between the armies.</p></blockquote>
<p>We will keep holding our vigils on the first Sunday of each month, and we welcome
everyone who believes that peace is something to work for, not something to wait
for.</p>
""",
    ),
    DemoStatement(
        slug="port-automation-a-seat-at-the-table",
        title="Port automation: a seat at the table, not a pink slip",
        organizations=("harbour-workers-assembly",),
        topics=("labor",),
        days_ago=95,
        summary=(
            "The container terminal is to be fully automated within four years. We are not "
            "against new machines, but every change on the quay has been negotiated, and "
            "this one must be too."
        ),
        featured_image="seat-at-the-table",
        body="""
<p>The port operator has announced that the container terminal will be fully
automated within four years. Remote-controlled cranes and driverless straddle
carriers will replace most of the jobs on the quay. The announcement came as a
press release. The people who run the terminal read about it on their phones.</p>
<p>We are not against new technology. Dock work has changed many times, and it has
often become safer. But every earlier change was negotiated, and this one must be
too.</p>
<h2>Our proposals</h2>
<ol>
<li>A joint committee of workers and management to plan every stage of the
change.</li>
<li>No compulsory redundancies: retraining, redeployment and early retirement on
full terms instead.</li>
<li>Independent safety testing of automated equipment before it operates alongside
people.</li>
<li>A share of the productivity gains, taken as shorter working hours without loss
of pay.</li>
</ol>
<p>The port stands on public land and has received public subsidies for decades. The
city has every right to ask that its modernization leaves no one behind.</p>
<blockquote><p>“I have worked on this quay for twenty-six years. I can learn a new
machine. What I cannot accept is being told that my experience is worth
nothing.”</p>
<p>— A lashing foreman at the container terminal</p></blockquote>
""",
    ),
    DemoStatement(
        slug="cool-roofs-for-every-school",
        title="Cool roofs for every school by 2030",
        organizations=("green-commons-network", "riverside-tenants-alliance"),
        topics=("climate",),
        days_ago=124,
        summary=(
            "Top-floor classrooms passed 32 °C before lunch last June. Reflective and planted "
            "roofs, shade trees and water fountains would keep children cooler without "
            "using any energy."
        ),
        body="""
<p>Last June, classrooms on the top floors of eleven Riverside schools passed 32 °C
before lunch. Teachers improvised with wet towels and borrowed fans; some schools
sent children home early. Heat like this is no longer rare, and the children who
suffer most are those whose homes are hot as well.</p>
<p>For many of these buildings there is a simple, proven answer: roofs that reflect
sunlight or carry plants instead of soaking up heat. They cost less than air
conditioning, use no energy and make the whole street a little cooler.</p>
[[figure:green-roofs]]
<h2>A plan for the next five years</h2>
<ul>
<li>Survey every school roof this year and publish the results.</li>
<li>Refit the hottest buildings first, starting before next summer.</li>
<li>Add shade trees and drinking fountains to every playground.</li>
<li>Open school gardens and cool classrooms to neighbours during heat waves.</li>
</ul>
<p>Parents, teachers and pupils know which rooms become unbearable. We invite them to
tell us, so that the first list of schools reflects real experience, not just a
spreadsheet.</p>
""",
    ),
    DemoStatement(
        slug="techos-frescos-para-cada-escuela",
        title="Techos frescos para cada escuela antes de 2030",
        organizations=("green-commons-network", "riverside-tenants-alliance"),
        topics=("climate",),
        days_ago=123,
        language="es",
        translation_of="cool-roofs-for-every-school",
        summary=(
            "En junio pasado, las aulas de los pisos altos superaron los 32 °C antes del "
            "almuerzo. Techos reflectantes y ajardinados, árboles de sombra y fuentes de agua "
            "mantendrían a los niños más frescos sin gastar energía."
        ),
        body="""
<p>En junio pasado, las aulas de los pisos altos de once escuelas de Riverside
superaron los 32 °C antes del almuerzo. El profesorado improvisó con toallas mojadas
y ventiladores prestados; algunas escuelas mandaron a los niños a casa antes de hora.
Este calor ya no es excepcional, y quienes más lo sufren son los niños cuyas casas
también son calurosas.</p>
<p>Para muchos de estos edificios hay una respuesta sencilla y probada: techos que
reflejan la luz del sol o que llevan plantas en lugar de absorber el calor. Cuestan
menos que el aire acondicionado, no consumen energía y refrescan un poco toda la
calle.</p>
<h2>Un plan para los próximos cinco años</h2>
<ul>
<li>Revisar este año el techo de cada escuela y publicar los resultados.</li>
<li>Reformar primero los edificios más calurosos, empezando antes del próximo
verano.</li>
<li>Plantar árboles de sombra e instalar fuentes de agua potable en cada patio.</li>
<li>Abrir los huertos escolares y las aulas frescas al vecindario durante las olas de
calor.</li>
</ul>
<p>Las familias, el profesorado y el alumnado saben qué aulas se vuelven
insoportables. Les invitamos a contárnoslo, para que la primera lista de escuelas
refleje la experiencia real y no solo una hoja de cálculo.</p>
""",
    ),
    DemoStatement(
        slug="asatih-barida-li-kull-madrasa",
        title="أسطح باردة لكل مدرسة بحلول عام 2030",
        organizations=("green-commons-network", "riverside-tenants-alliance"),
        topics=("climate",),
        days_ago=122,
        language="ar",
        translation_of="cool-roofs-for-every-school",
        summary=(
            "في حزيران الماضي تجاوزت الحرارة في صفوف الطوابق العليا 32 درجة مئوية قبل الظهر. "
            "الأسطح العاكسة والمزروعة وأشجار الظل ونوافير الماء تُبقي الأطفال في برودة "
            "دون استهلاك أي طاقة."
        ),
        body="""
<p>في حزيران الماضي، تجاوزت درجة الحرارة في صفوف الطوابق العليا في إحدى عشرة مدرسة
في ريفرسايد 32 درجة مئوية قبل موعد الغداء. لجأ المعلمون إلى المناشف المبللة
والمراوح المستعارة، وأرسلت بعض المدارس الأطفال إلى بيوتهم مبكرًا. لم يعد مثل هذا
الحر نادرًا، وأكثر من يعاني منه هم الأطفال الذين تكون بيوتهم حارة أيضًا.</p>
<p>لكثير من هذه المباني جواب بسيط ومُجرَّب: أسطح تعكس أشعة الشمس أو تحمل النباتات
بدلًا من أن تمتص الحرارة. كلفتها أقل من التكييف، ولا تستهلك طاقة، وتجعل الشارع كله
أبرد قليلًا.</p>
<h2>خطة للسنوات الخمس المقبلة</h2>
<ul>
<li>مسح سطح كل مدرسة هذا العام ونشر النتائج.</li>
<li>تجديد أشد المباني حرارة أولًا، بدءًا من قبل الصيف المقبل.</li>
<li>زراعة أشجار الظل وتركيب نوافير مياه الشرب في كل ساحة لعب.</li>
<li>فتح حدائق المدارس وصفوفها الباردة للجيران خلال موجات الحر.</li>
</ul>
<p>يعرف الأهالي والمعلمون والتلاميذ أي الغرف تصبح لا تُطاق. ندعوهم إلى إخبارنا، كي
تعكس القائمة الأولى للمدارس تجربة حقيقية لا مجرد جدول بيانات.</p>
""",
    ),
    DemoStatement(
        slug="repairs-before-rent-rises",
        title="Repairs before rent rises",
        organizations=("riverside-tenants-alliance",),
        topics=("housing",),
        days_ago=150,
        summary=(
            "Tenants waiting months for heating and damp repairs have been told their rent "
            "will rise by up to nine per cent. No increase should be allowed until the "
            "repairs are done."
        ),
        body="""
<p>This month many tenants of the city’s largest private landlord received letters
announcing rent increases of up to nine per cent. The same tenants have been waiting
months, sometimes years, for broken heating, leaking windows and lifts that stop
between floors.</p>
<p>We asked our members to tell us about outstanding repairs. In two weeks, 312
households answered. The most common problems were:</p>
<ol>
<li>damp and mould, reported by more than half;</li>
<li>heating or hot water that fails for days at a time;</li>
<li>broken entry doors and stairwell lighting;</li>
<li>lifts out of service in buildings of eight floors or more.</li>
</ol>
<h2>No increase without repairs</h2>
<p>Rent is payment for a home in a decent state. Where a landlord has ignored repair
requests, an increase should not be allowed until the work is done and checked. We
have written to the council’s housing committee asking it to make this a condition
of the landlord licensing scheme.</p>
<blockquote><p>Our members are not asking for favours. They are asking for what they
already pay for.</p></blockquote>
<p>Tenants who received an increase letter can bring it to our Tuesday advice
session. We will help you check it, write down your repair history and, where it
makes sense, challenge the increase together with your neighbours.</p>
""",
    ),
    DemoStatement(
        slug="remember-the-victims-of-landmines",
        title="Remember the victims of landmines, and clear the fields",
        organizations=("coalition-for-peaceful-futures",),
        topics=("peace",),
        days_ago=180,
        issued_days_before=1,
        summary=(
            "Long after the fighting stops, mines keep killing civilians and keep farmland "
            "empty. We call for steady funding for clearance and lifelong support for "
            "survivors."
        ),
        featured_image="cleared-fields",
        body="""
<p>Long after the fighting stops, landmines and unexploded munitions go on killing.
Most of the people they injure are civilians, and many are children who pick up
something that looks like a toy or a piece of scrap metal. Farmers cannot plant
their fields, and families who fled cannot return home.</p>
<p>Clearing land is slow, careful and expensive work, but it works. Fields declared
safe are ploughed again within a season, and villages come back to life. Money
spent on clearance and on survivors is money spent on peace.</p>
<h2>Our call</h2>
<ul>
<li>Restore our country’s contribution to humanitarian demining, and commit to it for
five years rather than one.</li>
<li>Support survivors with long-term medical care, prosthetics and work.</li>
<li>Urge every state that has not yet done so to join the treaty banning
anti-personnel mines, and to stop using them.</li>
</ul>
<blockquote><p>A mine does not know when a war has ended. Only people can end it for
good, one field at a time.</p></blockquote>
<p>On the international day of mine awareness, our groups will read out the names of
deminers who lost their lives at work. We invite you to join us.</p>
""",
    ),
    DemoStatement(
        slug="solidarity-with-the-hospital-cleaners",
        title="Solidarity with the cleaners’ strike at Riverside General",
        organizations=("harbour-workers-assembly", "riverside-tenants-alliance"),
        topics=("labor",),
        days_ago=205,
        summary=(
            "The contracted cleaners at Riverside General Hospital are on strike for the same "
            "pay and conditions as the staff they work beside. We stand with them."
        ),
        body="""
<p>Since Monday, the cleaners at Riverside General Hospital have been on strike. They
are employed not by the hospital but by a contractor, on wages well below those of
hospital staff doing comparable work, with no sick pay for the first days of an
illness and shifts announced only a few days in advance.</p>
<p>Not long ago these same workers were called heroes. They cleaned the wards nobody
else wanted to enter. Today they are asking for what should be obvious: the same pay
and conditions as the people they work beside.</p>
<h2>What the strikers are asking for</h2>
<ul>
<li>Cleaning brought back in-house when the current contract ends.</li>
<li>Until then, pay equal to the hospital’s own pay scale.</li>
<li>Sick pay from the first day, and rotas published four weeks ahead.</li>
</ul>
<blockquote><p>“I have cleaned operating theatres for nine years. If I am sick, I lose
money. So I come to work sick, into a hospital. Who does that protect?”</p>
<p>— A cleaner on the picket line</p></blockquote>
<p>Many of the strikers are our neighbours and members. We will bring breakfast to
the picket line every morning this week, and we urge everyone to sign the petition
to the hospital board. An injury to one is an injury to all.</p>
""",
    ),
    DemoStatement(
        slug="free-buses-on-hot-days",
        title="Free buses on hot days are climate policy",
        organizations=("green-commons-network",),
        topics=("climate",),
        days_ago=232,
        summary=(
            "Whenever the city declares a heat alert, local buses and trams should be free "
            "until it ends, so that everyone can reach a cooler place."
        ),
        featured_image="heat-alert-evening",
        body="""
<p>During heat alerts, the city asks people to avoid strenuous activity, stay out of
the sun and check on older neighbours. It also keeps charging full fares on the
buses that could carry them to cooler places, including the air-conditioned
libraries it has opened as cooling centres.</p>
<p>We propose a simple rule: whenever the city declares a heat alert, local buses and
trams are free for everyone until the alert ends.</p>
<h2>Why it matters</h2>
<p>Free transport on hot days helps the people most at risk from the heat and least
able to escape it: older people, parents with small children, and everyone who
cannot afford a car or a taxi. It takes cars off the road on the days when fumes and
heat together make the air hardest to breathe. And it shows, in a way everyone
notices, that public transport is part of how a city looks after its residents.</p>
<blockquote><p>A cooling centre you cannot afford to reach is not a cooling
centre.</p></blockquote>
<p>The cost is modest: heat alerts were declared on nine days last summer. We ask the
transport committee to trial the rule next summer and to publish an evaluation in
the autumn.</p>
""",
    ),
    DemoStatement(
        slug="response-to-the-housing-budget",
        title="Response to the city’s housing budget",
        organizations=("riverside-tenants-alliance",),
        topics=("housing",),
        days_ago=1,
        status=Statement.Status.DRAFT,
        summary="Our first reading of the draft housing budget. Not yet agreed by members.",
        body="""
<p>Notes for our response to the draft housing budget, to be agreed at the members’
meeting before publication.</p>
<ul>
<li>Welcome: the larger repair grant for social housing.</li>
<li>Concern: no new money for tenants’ legal advice.</li>
<li>Ask: a budget line for eviction prevention, with targets.</li>
</ul>
<p>Figures still to be checked against the final budget document.</p>
""",
    ),
    DemoStatement(
        slug="day-of-action-for-a-living-wage",
        title="Day of action for a living wage",
        organizations=(
            "harbour-workers-assembly",
            "riverside-tenants-alliance",
            "green-commons-network",
        ),
        topics=("labor",),
        days_ago=-30,
        summary=(
            "Workers, tenants and neighbours march from the harbour gates to the town hall "
            "for wages that keep up with rents, food and energy."
        ),
        body="""
<p>Today workers, tenants and neighbours across Riverside take part in a day of
action for a living wage. Wages in the city have not kept up with rents, food and
energy, and too many people who work full time cannot make ends meet.</p>
<h2>Join us</h2>
<p>We gather at the harbour gates at ten and march together to the town hall, where
workers from the port, the hospital, shops and care homes will speak.</p>
<ul>
<li>Bring your colleagues, your neighbours and your placards.</li>
<li>The route is step-free; tell us if you need a seat at the rally.</li>
</ul>
<p>A living wage is not a luxury. It is the difference between getting by and going
under.</p>
""",
    ),
]


# --- Staff accounts -------------------------------------------------------------

ACCOUNTS = [
    {
        "username": "editor",
        "group": roles.EDITORS,
        "first_name": "Jo",
        "last_name": "Brennan",
        "email": "editor@example.org",
        "initials": "jb",
    },
    {
        "username": "moderator",
        "group": roles.MODERATORS,
        "first_name": "Sam",
        "last_name": "Okafor",
        "email": "moderator@example.org",
        "initials": "",
    },
    {
        # Writes and submits for review; an editor publishes (editing.reviews).
        "username": "contributor",
        "group": roles.CONTRIBUTORS,
        "first_name": "Ari",
        "last_name": "Lindqvist",
        "email": "contributor@example.org",
        "initials": "al",
    },
]
