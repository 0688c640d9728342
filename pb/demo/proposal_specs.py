"""The demo's projects: what each demo round's proposals say and cost (plain data).

Each entry is (title, summary, kind, organisation, wards (None = whole area), themes,
outcomes, cost in pounds); ``kind`` picks the budget lines in ``LINES``. The builders are in
``pb.demo.proposals``.
"""

# Line descriptions by kind of project; amounts are split from the cost.
LINES = {
    "cafe": ["Hall hire (weekly, one year)", "Refreshments", "Trained facilitator",
             "Volunteer training (Dementia Friends)"],
    "shed": ["Workshop tools and safety kit", "Timber and materials", "Workshop rent",
             "First aid training"],
    "befriend": ["Volunteer coordinator (part-time)", "Volunteer DBS checks",
                 "Phone and travel costs", "Publicity leaflets"],
    "talk": ["Room hire", "Trained listeners' sessions", "Tea, coffee and cake"],
    "sport": ["Qualified coach", "Pitch or hall hire", "Equipment", "Insurance"],
    "food": ["Ingredients", "Kitchen hire", "Cookery tutor", "Recipe cards and printing"],
    "class": ["Instructor fees", "Venue hire", "Mats and equipment"],
    "care": ["Respite sitters", "Venue and activities", "Transport for carers"],
    "garden": ["Plot rent and tools", "Seeds, compost and plants", "Gardening therapist",
               "Accessible raised beds"],
    "youth": ["Peer mentor training", "Youth worker sessions", "Venue hire",
              "Wellbeing resources"],
    "travel": ["Minibus hire", "Volunteer drivers' expenses", "Booking line"],
    "digital": ["Tablets and data", "Tutor sessions", "Room hire"],
}
WEIGHTS = {2: (0.6, 0.4), 3: (0.5, 0.3, 0.2), 4: (0.4, 0.3, 0.2, 0.1),
           5: (0.35, 0.25, 0.2, 0.1, 0.1)}

# (title, summary, kind, organisation, wards (None = whole area), themes, outcomes, cost £)
DECISION_DAY = [
    ("Hurdsfield Dementia Café", "A weekly café where people living with dementia and their "
     "carers meet, chat and get advice.", "cafe", "Macclesfield Dementia Friends",
     ["Macclesfield Hurdsfield"], ["Dementia", "Older people"],
     ["social_isolation", "community_wellbeing"], 4800),
    ("Macclesfield Men's Shed", "Tools and a workshop so men can make, mend and talk "
     "shoulder to shoulder.", "shed", "Macclesfield Men's Shed", None,
     ["Social isolation", "Mental health"], ["social_isolation", "mental_health"], 7250),
    ("Silk Town Befriending Network", "Volunteers who visit or phone older people living "
     "alone every week.", "befriend", "Age UK Cheshire East (Macclesfield)", None,
     ["Social isolation", "Older people"], ["social_isolation", "hospital_admissions"], 6400),
    ("Time to Talk Drop-in", "A friendly drop-in with trained listeners for anyone who "
     "needs to talk.", "talk", "Talking Spaces Macclesfield", ["Macclesfield Central"],
     ["Mental health"], ["mental_health"], 3900),
    ("Walking Football for Over-50s", "Weekly walking football sessions at Moss Rose for "
     "older players.", "sport", "Macclesfield Town Football Community Trust", None,
     ["Physical activity", "Older people"], ["physical_activity", "social_isolation"], 3450),
    ("Cook and Eat Together", "Six-week courses cooking healthy meals on a budget, then "
     "eating together.", "food", "Moss Rose Community Kitchen", ["Macclesfield South"],
     ["Healthy eating"], ["healthy_eating", "community_wellbeing"], 5600),
    ("Parent and Toddler Yoga", "Gentle yoga for parents and toddlers at the Ivy Meadow "
     "hall.", "class", "Ivy Meadow Toddlers", ["Macclesfield West and Ivy"],
     ["Children and families", "Physical activity"], ["physical_activity", "mental_health"],
     2400),
    ("Carers' Respite Afternoons", "Monthly afternoons off for unpaid carers, with sitters "
     "for the people they look after.", "care", "East Cheshire Carers' Network", None,
     ["Carers"], ["mental_health", "community_wellbeing"], 8900),
    ("Bollin Valley Allotment Therapy", "Supported gardening sessions for people recovering "
     "from illness or low mood.", "garden", "Bollin Valley Allotment Society",
     ["Macclesfield Tytherington"], ["Mental health", "Physical activity"],
     ["mental_health", "physical_activity", "healthy_eating"], 6750),
    ("Chair-Based Exercise Classes", "Seated exercise classes in sheltered housing "
     "lounges.", "class", "Peaks and Plains Housing Trust Tenants' Forum", None,
     ["Older people", "Physical activity"], ["physical_activity", "hospital_admissions"],
     3200),
    ("Youth Mental Health Peer Support", "Young people trained to support each other, "
     "with youth workers on hand.", "youth", "Upton Priory Youth Club",
     ["Broken Cross and Upton"], ["Mental health", "Children and families"],
     ["mental_health"], 9500),
    ("Weston Community Fridge", "A shared fridge and weekly food swap on the Weston "
     "estate.", "food", "Weston Estate Residents' Association", ["Macclesfield West and Ivy"],
     ["Healthy eating"], ["healthy_eating", "community_wellbeing"], 5150),
    ("Silver Surfers Digital Help", "Help for older residents to book GP appointments and "
     "video-call family online.", "digital", "Hurdsfield Community Centre",
     ["Macclesfield Hurdsfield"], ["Older people", "Social isolation"],
     ["social_isolation"], 4300),
    ("Christ Church Bereavement Café", "A monthly café for people who have lost someone "
     "close.", "cafe", "Christ Church Macclesfield", ["Macclesfield Central"],
     ["Mental health"], ["mental_health", "social_isolation"], 3650),
    ("Tytherington Green Gym", "Volunteer conservation sessions that keep people fit "
     "outdoors.", "garden", "Tytherington Family Hub", ["Macclesfield Tytherington"],
     ["Physical activity"], ["physical_activity", "community_wellbeing"], 5900),
    ("Dance for Parkinson's", "Weekly dance classes for people with Parkinson's and their "
     "partners.", "class", "Christ Church Macclesfield", None,
     ["Physical activity", "Older people"], ["physical_activity", "mental_health"], 6200),
    ("Community Transport to Health Appointments", "Volunteer drivers taking people who "
     "cannot travel alone to clinics.", "travel", "Age UK Cheshire East (Macclesfield)",
     None, ["Older people"], ["hospital_admissions", "social_isolation"], 9800),
    # Not funded at the decision day.
    ("West Park Outdoor Gym", "Outdoor gym equipment beside the West Park play area.",
     "sport", None, ["Macclesfield West and Ivy"], ["Physical activity"],
     ["physical_activity"], 9950),
    ("Mental Health First Aid Training", "Training 40 residents as mental health first "
     "aiders.", "talk", "Talking Spaces Macclesfield", None, ["Mental health"],
     ["mental_health"], 4600),
    ("Upton Sensory Garden", "A sensory garden for children and adults with additional "
     "needs.", "garden", None, ["Broken Cross and Upton"], ["Children and families"],
     ["community_wellbeing", "mental_health"], 7800),
    ("Silk Town Cycle Library", "Free bike loans and cycle confidence rides.", "sport",
     "Silk Town Walkers", None, ["Physical activity"], ["physical_activity"], 5250),
    ("Junior Sports Kit Bank", "Pre-loved football boots and kit for children whose "
     "families cannot afford them.", "sport", None, ["Macclesfield South"],
     ["Children and families", "Physical activity"], ["physical_activity"], 4150),
]
DECISION_DAY_FUNDED = tuple(spec[0] for spec in DECISION_DAY[:17])

# Last year's online vote: projects £500 to £6,000, £40,000 in all.
PAST = [
    ("Hurdsfield Chatty Café", "A Wednesday café where anyone can drop in for a cuppa and a "
     "chat.", "cafe", "Hurdsfield Community Centre", ["Macclesfield Hurdsfield"],
     ["Social isolation", "Older people"], ["social_isolation", "community_wellbeing"], 3200,
     "shortlisted", ""),
    ("Parkrun Buddies", "Volunteers who walk or jog the Saturday parkrun with people "
     "starting out.", "sport", "Silk Town Walkers", None, ["Physical activity"],
     ["physical_activity", "mental_health"], 1850, "shortlisted", ""),
    ("Weston Slow Cooker Club", "Slow cookers and a six-week course in cheap, healthy "
     "one-pot meals.", "food", "Weston Estate Residents' Association",
     ["Macclesfield West and Ivy"], ["Healthy eating"], ["healthy_eating",
     "community_wellbeing"], 2750, "shortlisted", ""),
    ("Carers' Wellbeing Walks", "Gentle fortnightly walks for unpaid carers, with a "
     "sitting service at home.", "care", "East Cheshire Carers' Network", None,
     ["Carers", "Physical activity"], ["mental_health", "physical_activity"], 2400,
     "shortlisted", ""),
    ("Tytherington Stay and Play", "Free weekly play sessions for under-fives and a "
     "cuppa for their grown-ups.", "class", "Tytherington Family Hub",
     ["Macclesfield Tytherington"], ["Children and families"], ["community_wellbeing",
     "mental_health"], 4600, "shortlisted", ""),
    ("Memory Lane Reminiscence Group", "Old photos, music and objects to spark memories "
     "and conversation.", "cafe", "Macclesfield Dementia Friends", ["Macclesfield Central"],
     ["Dementia", "Older people"], ["social_isolation", "mental_health"], 3900,
     "shortlisted", ""),
    ("Upton Holiday Activities and Food", "Sport, crafts and a hot lunch for children in "
     "the school holidays.", "youth", "Upton Priory Youth Club", ["Broken Cross and Upton"],
     ["Children and families", "Healthy eating"], ["healthy_eating", "physical_activity"],
     5800, "shortlisted", ""),
    ("Men's Health at Moss Rose", "Football sessions for men with a health check and a "
     "chat at half-time.", "sport", "Macclesfield Town Football Community Trust",
     ["Macclesfield South"], ["Physical activity", "Mental health"],
     ["physical_activity", "hospital_admissions"], 5400, "shortlisted", ""),
    ("Singing for Better Breathing", "A weekly singing group for people with COPD and "
     "other lung conditions.", "class", "Christ Church Macclesfield", None,
     ["Older people", "Physical activity"], ["hospital_admissions", "social_isolation"],
     2950, "shortlisted", ""),
    ("Tea and Tech in Sheltered Housing", "Help with phones and tablets over tea in the "
     "sheltered housing lounges.", "digital", "Peaks and Plains Housing Trust Tenants' Forum",
     ["Macclesfield West and Ivy"], ["Older people", "Social isolation"],
     ["social_isolation"], 3350, "shortlisted", ""),
    # Not funded in the vote.
    ("Broken Cross Outdoor Table Tennis", "Two all-weather table tennis tables in the "
     "park.", "sport", None, ["Broken Cross and Upton"], ["Physical activity"],
     ["physical_activity"], 4950, "shortlisted", ""),
    ("South Macclesfield Allotment Kitchen", "An outdoor kitchen at the allotments to cook "
     "what is grown.", "garden", None, ["Macclesfield South"], ["Healthy eating"],
     ["healthy_eating", "community_wellbeing"], 5600, "shortlisted", ""),
    ("Mindfulness for Beginners", "Eight-week mindfulness courses in the evenings.",
     "talk", "Talking Spaces Macclesfield", None, ["Mental health"], ["mental_health"],
     4400, "shortlisted", ""),
    ("Hurdsfield Bike Repair Workshop", "Volunteers teaching people to fix up donated "
     "bikes.", "shed", None, ["Macclesfield Hurdsfield"], ["Physical activity"],
     ["physical_activity", "community_wellbeing"], 4250, "shortlisted", ""),
    ("New Roof for the Scout Hut", "Replacing the leaking roof of the Upton scout hut.",
     "shed", None, ["Broken Cross and Upton"], ["Children and families"],
     ["community_wellbeing"], 5950, "ineligible", "Roof repairs are building works, which "
     "the fund cannot pay for; activities held in the hut would be eligible."),
]
PAST_FUNDED = tuple(spec[0] for spec in PAST[:10])

# The round in its vote: ward budgets £6,000, projects £500 to £8,000.
OPEN_VOTE = [
    ("Hurdsfield Knit and Natter", "A weekly knitting circle with tea and company.", "cafe",
     "Hurdsfield Community Centre", ["Macclesfield Hurdsfield"], ["Social isolation"],
     ["social_isolation"], 1850, "shortlisted", ""),
    ("Hurdsfield Healthy Breakfast Club", "Free healthy breakfasts for children before "
     "school.", "food", None, ["Macclesfield Hurdsfield"], ["Children and families",
     "Healthy eating"], ["healthy_eating"], 3900, "shortlisted", ""),
    ("Central Lunch Club for Older People", "A hot two-course lunch and company every "
     "Thursday.", "food", "Christ Church Macclesfield", ["Macclesfield Central"],
     ["Older people", "Healthy eating"], ["social_isolation", "healthy_eating"], 4500,
     "shortlisted", ""),
    ("Central Library Reading Friends", "Volunteers reading with isolated older people.",
     "befriend", None, ["Macclesfield Central"], ["Social isolation"], ["social_isolation"],
     1200, "shortlisted", ""),
    ("Tytherington Buggy Walks", "Led walks for new parents with buggies.", "sport",
     "Tytherington Family Hub", ["Macclesfield Tytherington"], ["Children and families",
     "Physical activity"], ["physical_activity", "mental_health"], 950, "shortlisted", ""),
    ("Tytherington Forest School Saturdays", "Outdoor learning for families at the "
     "woods.", "garden", "Tytherington Family Hub", ["Macclesfield Tytherington"],
     ["Children and families"], ["physical_activity", "community_wellbeing"], 5200,
     "shortlisted", ""),
    ("South Macclesfield Boxing Fitness", "Non-contact boxing fitness for teenagers.",
     "sport", None, ["Macclesfield South"], ["Physical activity", "Mental health"],
     ["physical_activity", "mental_health"], 3300, "shortlisted", ""),
    ("Weston Estate Community Garden", "Raised beds and a polytunnel for residents to "
     "grow food.", "garden", "Weston Estate Residents' Association",
     ["Macclesfield West and Ivy"], ["Healthy eating"], ["healthy_eating",
     "community_wellbeing"], 5800, "shortlisted", ""),
    ("Upton Priory Youth Wellbeing Nights", "Friday youth nights with a wellbeing "
     "worker.", "youth", "Upton Priory Youth Club", ["Broken Cross and Upton"],
     ["Mental health", "Children and families"], ["mental_health"], 4750, "shortlisted",
     ""),
    ("Broken Cross Bowls Taster Days", "Free bowls sessions for people new to the "
     "sport.", "sport", "Broken Cross Bowls Club", ["Broken Cross and Upton"],
     ["Physical activity", "Older people"], ["physical_activity", "social_isolation"], 800,
     "shortlisted", ""),
    ("Macclesfield Carers' Cafés", "Monthly cafés in three venues for unpaid carers.",
     "cafe", "East Cheshire Carers' Network", None, ["Carers"],
     ["mental_health", "social_isolation"], 7600, "shortlisted", ""),
    ("Men's Mental Health Walk and Talk", "Fortnightly walks for men to talk things "
     "through.", "talk", "Silk Town Walkers", None, ["Mental health", "Physical activity"],
     ["mental_health", "physical_activity"], 2100, "shortlisted", ""),
    ("Dementia-Friendly Cinema", "Monthly relaxed film screenings with tea.", "cafe",
     "Macclesfield Dementia Friends", None, ["Dementia"], ["social_isolation",
     "community_wellbeing"], 3450, "shortlisted", ""),
    ("Falls Prevention Strength Classes", "Strength and balance classes to prevent "
     "falls.", "class", "Age UK Cheshire East (Macclesfield)", None, ["Older people"],
     ["hospital_admissions", "physical_activity"], 6900, "shortlisted", ""),
    ("New Car Park for the Leisure Centre", "Resurfacing the leisure centre car park.",
     "sport", None, ["Macclesfield Central"], ["Physical activity"], ["physical_activity"],
     5900, "ineligible", "Car park works are capital maintenance for the council, not a "
     "community health project, so the fund cannot pay for them."),
    ("Private Gym Memberships", "Paying for a year of gym membership for 20 residents.",
     "sport", None, None, ["Physical activity"], ["physical_activity"], 7800, "ineligible",
     "The fund cannot pay for individual memberships of a private business; a group "
     "activity open to everyone would be eligible."),
    ("South Macclesfield Walking Group", "A weekly walking group from the South "
     "Macclesfield library.", "sport", None, ["Macclesfield South"], ["Physical activity"],
     ["physical_activity"], 700, "withdrawn", "The group found funding from the parish "
     "council instead."),
    ("Knitting Group for Hurdsfield", "A knitting and chat group at the community "
     "centre.", "cafe", None, ["Macclesfield Hurdsfield"], ["Social isolation"],
     ["social_isolation"], 1400, "merged", "Same idea as Hurdsfield Knit and Natter; the "
     "two groups will run it together."),
]

# The round taking proposals: projects £300 to £2,500.
TAKING = [
    ("Hurdsfield Street Games", "Play streets twice a month so children can play out "
     "safely.", "sport", "Hurdsfield Community Centre", ["Macclesfield Hurdsfield"],
     ["Children and families", "Physical activity"], ["physical_activity",
     "community_wellbeing"], 1450, "submitted", "", "resident"),
    ("Moss Rose Soup and Chat", "A Tuesday soup lunch where neighbours get to know each "
     "other.", "food", "Moss Rose Community Kitchen", ["Macclesfield South"],
     ["Healthy eating", "Social isolation"], ["healthy_eating", "social_isolation"], 980,
     "submitted", "", None),
    ("Ivy Meadow Baby Massage", "Baby massage classes for new parents.", "class",
     "Ivy Meadow Toddlers", ["Macclesfield West and Ivy"], ["Children and families"],
     ["mental_health", "community_wellbeing"], 620, "submitted", "", None),
    ("Central Singing for the Brain", "A singing group for people with memory loss.",
     "cafe", "Macclesfield Dementia Friends", ["Macclesfield Central"], ["Dementia"],
     ["social_isolation", "mental_health"], 1800, "under_review", "", None),
    ("Tytherington Bat Walk and Nature Club", "Evening nature walks for families.", "garden",
     None, ["Macclesfield Tytherington"], ["Physical activity", "Children and families"],
     ["physical_activity"], 450, "under_review", "", None),
    ("Upton Repair Café", "Monthly repair café where volunteers fix things and people "
     "chat.", "shed", None, ["Broken Cross and Upton"], ["Social isolation"],
     ["social_isolation", "community_wellbeing"], 2300, "needs_changes",
     "Please split the tools line into what you will buy and say who will keep the tools "
     "safe between sessions.", None),
    ("West and Ivy Seated Tai Chi", "Seated tai chi in the sheltered housing lounge.",
     "class", "Peaks and Plains Housing Trust Tenants' Forum", ["Macclesfield West and Ivy"],
     ["Older people", "Physical activity"], ["physical_activity", "hospital_admissions"],
     1100, "eligible", "", None),
    ("Macclesfield Men's Cooking Club", "Men learning to cook simple healthy meals "
     "together.", "food", "Macclesfield Men's Shed", None, ["Healthy eating",
     "Social isolation"], ["healthy_eating", "social_isolation"], 2150, "eligible", "",
     None),
    ("Hurdsfield Community Noticeboard", "A weatherproof noticeboard for local health "
     "events.", "digital", None, ["Macclesfield Hurdsfield"], ["Social isolation"],
     ["community_wellbeing"], 520, "draft", "", "resident"),
    ("Bollin Valley Litter Pick and Picnic", "Monthly litter picks followed by a shared "
     "picnic.", "garden", None, ["Macclesfield Tytherington"], ["Physical activity"],
     ["physical_activity", "community_wellbeing"], 380, "draft", "", "supporter"),
]
# Handed in on paper at the Hurdsfield drop-in and typed in by an officer.
PAPER = ("Hurdsfield Pensioners' Tea Dance", "A monthly tea dance with a live pianist.",
         "cafe", None, ["Macclesfield Hurdsfield"], ["Older people", "Social isolation"],
         ["social_isolation", "physical_activity"], 900, "submitted", "", "Edna Pollitt")
