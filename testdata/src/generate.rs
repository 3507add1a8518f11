//! Synthetic agency returns, for tests, benchmarks and the bundled sample
//! review.
//!
//! Everything here is deterministic: the same [`ReturnSpec`] (and so the same
//! seed) always gives the same rows and byte-identical `.xlsx` and `.csv`
//! files. The randomness is the crate's one seeded [`Rng`].
//!
//! The returns follow the input contract (`TEMPLATE.md`, template v1): a
//! workbook with the sheets `Guidance`, `Agency details` (labels in column A,
//! values in column B) and `Chronology` (the headings of
//! [`CHRONOLOGY_HEADINGS`] in row 1, one event a row from row 2), or a CSV
//! export with the same headings plus an `Agency` column.
//!
//! The entries are invented: roles and labels only (`Child A`, `Mother`,
//! `Mother's partner`, `Health visitor`), never personal names.
//!
//! ```no_run
//! use chrono::NaiveDate;
//! use chronomerge_testdata::generate::{write_xlsx, AgencyKind, ReturnSpec};
//! let period = (
//!     NaiveDate::from_ymd_opt(2022, 1, 1).unwrap(),
//!     NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
//! );
//! let spec = ReturnSpec::new("Westshire Police", AgencyKind::Police, "LCSPR-2024-03", 200, 7, period);
//! let written = write_xlsx(&spec, std::path::Path::new("police.xlsx")).unwrap();
//! assert_eq!(written.rows, 200);
//! ```

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike, Weekday};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::Rng;

/// The headings of row 1 of the `Chronology` sheet, in column order (A–J).
pub const CHRONOLOGY_HEADINGS: [&str; 10] = [
    "Date",
    "Time",
    "Sequence",
    "Source of information",
    "Practitioner role",
    "Child or family member",
    "Event type",
    "Details of event",
    "Action / outcome",
    "Analysis / comment",
];

/// The labels of column A of the `Agency details` sheet, in row order.
pub const DETAILS_LABELS: [&str; 6] = [
    "Agency",
    "Review reference",
    "Completed by (role)",
    "Date completed",
    "Period from",
    "Period to",
];

/// The event types of the template, copied from TEMPLATE.md on purpose
/// rather than taken from [`chronomerge::model::EVENT_TYPES`]: the generator
/// plays an agency following the written contract, so a change to the
/// engine's list that drifts from the contract makes the fixtures' checks
/// fail instead of silently following it.
pub const EVENT_TYPES: [&str; 15] = [
    "Contact or visit",
    "Appointment attended",
    "Appointment missed or child not brought",
    "Referral made",
    "Referral received",
    "Assessment",
    "Strategy discussion or meeting",
    "Child protection conference or core group",
    "Multi-agency meeting",
    "Incident or call-out",
    "Injury or medical attention",
    "Hospital attendance or admission",
    "Information shared",
    "Case closed or transferred",
    "Other",
];

/// The name of the extra column of a CSV export that names the agency.
pub const CSV_AGENCY_HEADING: &str = "Agency";

/// What can go wrong while writing a return.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The workbook writer failed.
    #[error("xlsx: {0}")]
    Xlsx(#[from] XlsxError),
    /// A file could not be written or read.
    #[error("io: {0}")]
    Io(#[from] io::Error),
    /// The CSV writer failed.
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
    /// Re-packing a workbook for the 1904 date system failed.
    #[error("zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// Text could not be encoded as Windows-1252.
    #[error("{0}")]
    Encoding(String),
}

/// The kind of agency, which decides the entries it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AgencyKind {
    /// Police: incidents, call-outs, domestic abuse reports.
    Police,
    /// General practice: appointments, children not brought.
    Gp,
    /// Health visiting: home visits, developmental reviews.
    HealthVisiting,
    /// Hospital, emergency department: attendances, injuries.
    Hospital,
    /// School: attendance and welfare concerns.
    School,
    /// Children's social care: referrals, strategy discussions, section 47,
    /// conferences.
    SocialCare,
    /// Housing: tenancy visits, arrears, complaints.
    Housing,
    /// Probation: supervision of an adult.
    Probation,
}

impl AgencyKind {
    /// Every kind, in a fixed order.
    pub const ALL: [AgencyKind; 8] = [
        AgencyKind::Police,
        AgencyKind::SocialCare,
        AgencyKind::Hospital,
        AgencyKind::Gp,
        AgencyKind::HealthVisiting,
        AgencyKind::School,
        AgencyKind::Housing,
        AgencyKind::Probation,
    ];

    /// An invented agency name for this kind.
    pub fn default_name(self) -> &'static str {
        match self {
            AgencyKind::Police => "Westshire Police",
            AgencyKind::Gp => "Riverside Medical Practice",
            AgencyKind::HealthVisiting => "Westshire Community Health (Health Visiting)",
            AgencyKind::Hospital => "Northgate Hospitals NHS Trust",
            AgencyKind::School => "Oakfield Primary School",
            AgencyKind::SocialCare => "Westshire Children's Social Care",
            AgencyKind::Housing => "Westshire Homes",
            AgencyKind::Probation => "Probation Service (Westshire)",
        }
    }

    /// A short file-name stem for this kind, e.g. `police`.
    pub fn slug(self) -> &'static str {
        match self {
            AgencyKind::Police => "police",
            AgencyKind::Gp => "gp",
            AgencyKind::HealthVisiting => "health-visiting",
            AgencyKind::Hospital => "hospital",
            AgencyKind::School => "school",
            AgencyKind::SocialCare => "childrens-social-care",
            AgencyKind::Housing => "housing",
            AgencyKind::Probation => "probation",
        }
    }

    /// The role that fills in the return for this kind.
    pub fn completed_by(self) -> &'static str {
        match self {
            AgencyKind::Police => "Detective sergeant, safeguarding review team",
            AgencyKind::Gp => "Named GP for safeguarding",
            AgencyKind::HealthVisiting => "Named nurse for safeguarding children",
            AgencyKind::Hospital => "Named nurse for safeguarding children",
            AgencyKind::School => "Designated safeguarding lead",
            AgencyKind::SocialCare => "Service manager, quality assurance",
            AgencyKind::Housing => "Safeguarding lead, housing management",
            AgencyKind::Probation => "Senior probation officer",
        }
    }
}

/// What the `Date` cell of a row holds.
#[derive(Debug, Clone, PartialEq)]
pub enum DateEntry {
    /// A real date cell (number with a `dd/mm/yyyy` format); `dd/mm/yyyy`
    /// text in a CSV.
    Cell(NaiveDate),
    /// Text exactly as typed, e.g. `5th Mar 2019`, `March 2019`,
    /// `31/02/2023`.
    Text(String),
    /// Nothing.
    Blank,
}

/// What the `Time` cell of a row holds.
#[derive(Debug, Clone, PartialEq)]
pub enum TimeEntry {
    /// A real time cell (fraction of a day with an `hh:mm` format); `HH:MM`
    /// text in a CSV.
    Cell(NaiveTime),
    /// Text exactly as typed, e.g. `14:30`, `2.30pm`, `1430`.
    Text(String),
}

/// One row of the `Chronology` sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Column A.
    pub date: DateEntry,
    /// Column B.
    pub time: Option<TimeEntry>,
    /// Column C.
    pub sequence: Option<f64>,
    /// Column D.
    pub source: String,
    /// Column E.
    pub role: String,
    /// Column F.
    pub subject: String,
    /// Column G (blank when empty).
    pub event_type: String,
    /// Column H.
    pub details: String,
    /// Column I.
    pub action: String,
    /// Column J.
    pub analysis: String,
    /// The day this row sorts on when rows are placed (planted rows are
    /// slotted in by it); `None` places the row at a seeded position.
    pub sort_date: Option<NaiveDate>,
}

impl Row {
    /// A row on a real date cell, with the given source, role, subject,
    /// event type and details; the rest blank.
    pub fn on(
        date: NaiveDate,
        source: &str,
        role: &str,
        subject: &str,
        event_type: &str,
        details: &str,
    ) -> Self {
        Row {
            date: DateEntry::Cell(date),
            time: None,
            sequence: None,
            source: source.to_string(),
            role: role.to_string(),
            subject: subject.to_string(),
            event_type: event_type.to_string(),
            details: details.to_string(),
            action: String::new(),
            analysis: String::new(),
            sort_date: Some(date),
        }
    }

    /// The same row with its Date cell replaced (the sort day is kept).
    pub fn date_entry(mut self, date: DateEntry) -> Self {
        self.date = date;
        self
    }

    /// The same row with a real time cell at `hh:mm`.
    pub fn at(mut self, hour: u32, minute: u32) -> Self {
        self.time = NaiveTime::from_hms_opt(hour, minute, 0).map(TimeEntry::Cell);
        self
    }

    /// The same row with text in its Time cell.
    pub fn at_text(mut self, time: &str) -> Self {
        self.time = Some(TimeEntry::Text(time.to_string()));
        self
    }

    /// The same row with an Action / outcome.
    pub fn action(mut self, action: &str) -> Self {
        self.action = action.to_string();
        self
    }

    /// The same row with an Analysis / comment.
    pub fn analysis(mut self, analysis: &str) -> Self {
        self.analysis = analysis.to_string();
        self
    }
}

/// How to generate one agency's return.
#[derive(Debug, Clone)]
pub struct ReturnSpec {
    /// The agency's name (`Agency details` › Agency, or the CSV `Agency`
    /// column).
    pub agency: String,
    /// The kind of agency, which picks the entry templates.
    pub kind: AgencyKind,
    /// The review reference, e.g. `LCSPR-2024-03`.
    pub review: String,
    /// How many generated events (planted [`extra_rows`](Self::extra_rows)
    /// come on top).
    pub events: usize,
    /// The seed: same seed, same return.
    pub seed: u64,
    /// First and last day the events fall on.
    pub period: (NaiveDate, NaiveDate),
    /// Share of dates written as UK text in varied forms; the rest are real
    /// date cells.
    pub text_date_share: f64,
    /// Share of the text dates that are partial (`March 2019`, `03/2019`).
    pub partial_share: f64,
    /// Share of the text dates that are approximate (`c. 5 March 2019`).
    pub approx_share: f64,
    /// Share of rows with a time.
    pub time_share: f64,
    /// Share of the times written as text (`14:30`, `2.30pm`, `1430`)
    /// rather than time cells.
    pub text_time_share: f64,
    /// Share of rows with a blank Event type.
    pub blank_event_type_share: f64,
    /// Shortest and longest Details of event, in characters: an entry's
    /// first sentences are followed by the agency's own further sentences
    /// until it is at least the shortest (now and then one more), never
    /// past the longest.
    pub details_len: (usize, usize),
    /// Save the workbook with the 1904 date system (xlsx only).
    pub use_1904: bool,
    /// `Agency details` › Completed by (role).
    pub completed_by: String,
    /// `Agency details` › Date completed.
    pub date_completed: NaiveDate,
    /// Rows written on top of the generated ones, slotted in by their
    /// [`Row::sort_date`]: planted errors, a multi-agency episode.
    pub extra_rows: Vec<Row>,
}

impl ReturnSpec {
    /// A spec with the usual shares: 30% text dates (10% of them partial,
    /// 8% approximate), 40% times (a third as text), 3% blank event types,
    /// details of 80–600 characters, 1900 date system, completed the day
    /// after the period ends.
    pub fn new(
        agency: &str,
        kind: AgencyKind,
        review: &str,
        events: usize,
        seed: u64,
        period: (NaiveDate, NaiveDate),
    ) -> Self {
        ReturnSpec {
            agency: agency.to_string(),
            kind,
            review: review.to_string(),
            events,
            seed,
            period,
            text_date_share: 0.3,
            partial_share: 0.1,
            approx_share: 0.08,
            time_share: 0.4,
            text_time_share: 0.33,
            blank_event_type_share: 0.03,
            details_len: (80, 600),
            use_1904: false,
            completed_by: kind.completed_by().to_string(),
            date_completed: period.1.succ_opt().unwrap_or(period.1),
            extra_rows: Vec::new(),
        }
    }
}

/// What was written, so tests can check counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GeneratedReturn {
    /// The file written.
    pub path: PathBuf,
    /// Data rows of the Chronology (header not counted), planted rows
    /// included.
    pub rows: usize,
    /// Of those, the planted [`ReturnSpec::extra_rows`].
    pub planted_rows: usize,
    /// Rows whose Date is a real date cell.
    pub date_cells: usize,
    /// Rows whose Date is text.
    pub text_dates: usize,
    /// Generated rows with a partial text date.
    pub partial_dates: usize,
    /// Generated rows with an approximate text date.
    pub approx_dates: usize,
    /// Rows with a blank Date.
    pub blank_dates: usize,
    /// Rows with a time (cell or text).
    pub timed: usize,
    /// Rows with a blank Event type.
    pub blank_event_types: usize,
    /// The workbook uses the 1904 date system.
    pub date1904: bool,
}

struct Template {
    event_type: &'static str,
    source: &'static str,
    roles: &'static [&'static str],
    subjects: &'static [&'static str],
    details: &'static [&'static str],
    actions: &'static [&'static str],
}

const CHILD: &[&str] = &["Child A", "Child A", "Child B"];
const MOTHER: &[&str] = &["Mother"];
const PARTNER: &[&str] = &["Mother's partner"];
const ADULTS: &[&str] = &["Mother", "Mother's partner", "Mother and Mother's partner"];
const FAMILY: &[&str] = &["Child A", "Child B", "Mother", "Family"];

fn templates(kind: AgencyKind) -> &'static [Template] {
    match kind {
        AgencyKind::Police => &[
            Template {
                event_type: "Incident or call-out",
                source: "Police incident log",
                roles: &["PC (response)", "Call handler"],
                subjects: ADULTS,
                details: &[
                    "Call from a neighbour reporting shouting and a child crying at the family address. Officers attended; Mother and Mother's partner present and said it had been a verbal argument.",
                    "Anonymous call reporting a disturbance at the address late at night. Officers attended and spoke to Mother on the doorstep; she said everything was fine and declined to let officers in.",
                    "Mother's partner reported to have been seen shouting at Mother in the street outside the flat with Child A in a pushchair. Officers attended; no offences disclosed.",
                ],
                actions: &["No further action; incident closed.", "Public protection notice (PPN) submitted to children's social care.", "Words of advice given to both adults."],
            },
            Template {
                event_type: "Incident or call-out",
                source: "Police crime record",
                roles: &["PC (response)", "Domestic abuse officer"],
                subjects: MOTHER,
                details: &[
                    "Domestic abuse report by Mother: she said Mother's partner pushed her against a wall during an argument about money. Child A was in the house at the time and was asleep upstairs.",
                    "Mother called police saying Mother's partner had taken her phone and would not leave. Officers attended; Mother's partner had left before they arrived. Mother had a red mark to her neck which she said was from a necklace.",
                    "Report of criminal damage: Mother said Mother's partner broke the living-room door during an argument. Child B was present and was described as quiet and withdrawn.",
                ],
                actions: &["DASH risk assessment completed: medium risk. PPN submitted to children's social care.", "DASH risk assessment completed: high risk. Referral to MARAC.", "Mother's partner arrested and later released on bail with conditions not to contact Mother."],
            },
            Template {
                event_type: "Information shared",
                source: "PPN record",
                roles: &["Safeguarding hub officer"],
                subjects: FAMILY,
                details: &[
                    "PPN reviewed in the safeguarding hub and shared with children's social care front door and the school nursing service.",
                    "Police records checked at the request of children's social care; previous domestic incidents at the address shared.",
                ],
                actions: &["Shared by secure email.", ""],
            },
            Template {
                event_type: "Contact or visit",
                source: "Police incident log",
                roles: &["PC (neighbourhood)", "PCSO"],
                subjects: CHILD,
                details: &[
                    "Welfare check at the address at the request of children's social care. Child A seen asleep in a cot upstairs; home conditions described as cluttered but adequate.",
                    "Officers attended following a concern for welfare call from the school: Child B had not been collected. Mother located at a friend's address and collected Child B.",
                ],
                actions: &["No concerns identified; log closed.", "Log shared with children's social care."],
            },
            Template {
                event_type: "Multi-agency meeting",
                source: "MARAC minutes",
                roles: &["MARAC police representative"],
                subjects: MOTHER,
                details: &[
                    "Case heard at MARAC following a high-risk DASH assessment. Actions agreed for police flag on the address and referral to the independent domestic violence advisor.",
                    "Case reviewed at MARAC after a repeat incident within twelve months. IDVA reported that Mother had not taken up support; children's social care not represented at the meeting.",
                ],
                actions: &["Address flagged for priority response."],
            },
        ],
        AgencyKind::Gp => &[
            Template {
                event_type: "Appointment attended",
                source: "GP record",
                roles: &["GP", "Practice nurse"],
                subjects: CHILD,
                details: &[
                    "Child A brought by Mother with a cough and a runny nose for three days. Examined; viral infection, advice given on fluids and paracetamol.",
                    "Child A seen for immunisations with Mother. Weight on the 25th centile, previously on the 50th. Mother said Child A was a fussy eater.",
                    "Child B brought by Mother with a rash. Eczema diagnosed and emollients prescribed. Mother seemed rushed and left before the nurse had finished.",
                ],
                actions: &["Advice given; review if not improving.", "Weight to be rechecked in four weeks.", ""],
            },
            Template {
                event_type: "Appointment missed or child not brought",
                source: "GP record",
                roles: &["Practice nurse", "GP receptionist"],
                subjects: CHILD,
                details: &[
                    "Child A not brought to a booked appointment for immunisations. Letter sent to Mother offering a new appointment.",
                    "Child A not brought to the weight review. Practice tried to call Mother twice; no answer.",
                ],
                actions: &["Letter sent.", "Added to the practice 'was not brought' list.", "Health visitor informed."],
            },
            Template {
                event_type: "Appointment attended",
                source: "GP record",
                roles: &["GP"],
                subjects: MOTHER,
                details: &[
                    "Mother attended with low mood and poor sleep. She said she felt 'on edge' at home but did not want to talk about it further. PHQ-9 score 16.",
                    "Mother attended with a painful wrist, saying she had slipped on the stairs. X-ray requested. No routine enquiry about domestic abuse recorded.",
                ],
                actions: &["Sertraline started; review in two weeks.", "Referral to talking therapies offered.", "X-ray requested."],
            },
            Template {
                event_type: "Information shared",
                source: "GP record",
                roles: &["GP", "Practice safeguarding lead"],
                subjects: FAMILY,
                details: &[
                    "Request for information received from children's social care and answered: list of attendances and missed appointments for Child A and Child B sent.",
                    "ED attendance letter received and filed; no action recorded.",
                ],
                actions: &["Response sent the same day.", ""],
            },
            Template {
                event_type: "Referral made",
                source: "GP record",
                roles: &["GP"],
                subjects: MOTHER,
                details: &[
                    "Referral made to the perinatal mental health team for Mother following a disclosure of anxiety and intrusive thoughts.",
                    "Referral made to talking therapies for Mother at her request; she described feeling low since Child A's birth.",
                ],
                actions: &["Referral sent electronically."],
            },
        ],
        AgencyKind::HealthVisiting => &[
            Template {
                event_type: "Contact or visit",
                source: "Health visiting record",
                roles: &["Health visitor", "Community nursery nurse"],
                subjects: CHILD,
                details: &[
                    "Home visit: Child A seen and weighed. The flat was cluttered and cold. Mother's partner was present and answered most questions on Mother's behalf.",
                    "Home visit: Child A seen playing on the floor, interacting well with Mother. Safe sleep advice repeated as the cot was full of clothes.",
                    "Telephone contact with Mother, who said she was coping well and cancelled the planned visit.",
                ],
                actions: &["Next contact booked.", "Universal plus service continued.", "Discussed at safeguarding supervision."],
            },
            Template {
                event_type: "Appointment missed or child not brought",
                source: "Health visiting record",
                roles: &["Health visitor"],
                subjects: CHILD,
                details: &[
                    "No access visit: no answer at the door although a television could be heard. Card left asking Mother to call.",
                    "Child A not brought to the 1-year developmental review at the clinic.",
                ],
                actions: &["Card left.", "Letter sent and GP informed."],
            },
            Template {
                event_type: "Assessment",
                source: "Health visiting record",
                roles: &["Health visitor"],
                subjects: CHILD,
                details: &[
                    "Ages and Stages Questionnaire completed with Mother: communication and personal-social scores below the cut-off.",
                    "Family health needs assessment updated: domestic abuse history, maternal low mood, housing disrepair noted.",
                ],
                actions: &["Referral to speech and language therapy.", "Family moved to universal partnership plus."],
            },
            Template {
                event_type: "Information shared",
                source: "Health visiting record",
                roles: &["Health visitor", "Safeguarding nurse advisor"],
                subjects: FAMILY,
                details: &[
                    "Family discussed at safeguarding supervision. Concerns about missed contacts and the presence of Mother's partner at every visit.",
                    "Health visitor phoned the GP practice to share concerns about Child A's weight.",
                ],
                actions: &["Plan agreed to make an unannounced visit.", ""],
            },
        ],
        AgencyKind::Hospital => &[
            Template {
                event_type: "Hospital attendance or admission",
                source: "ED record",
                roles: &["ED nurse", "ED doctor"],
                subjects: CHILD,
                details: &[
                    "Child A brought to ED by Mother with a high temperature and vomiting. Diagnosed with a viral illness and discharged home with advice.",
                    "Child B brought to ED by Mother's partner after a fall from a climbing frame at the park. X-ray showed no fracture.",
                ],
                actions: &["Discharged home; ED liaison notification sent to health visitor and GP.", "Discharged with advice."],
            },
            Template {
                event_type: "Injury or medical attention",
                source: "ED record",
                roles: &["ED doctor", "Paediatric registrar"],
                subjects: CHILD,
                details: &[
                    "Child A attended ED with a small bruise to the forehead. Mother said Child A fell from the sofa. Explanation thought consistent with the injury.",
                    "Child B attended with a burn to the back of the hand; Mother said Child B touched the oven door. Dressing applied.",
                ],
                actions: &["Safeguarding checklist completed: no concerns.", "Follow-up at the dressing clinic arranged."],
            },
            Template {
                event_type: "Hospital attendance or admission",
                source: "ED record",
                roles: &["ED nurse"],
                subjects: MOTHER,
                details: &[
                    "Mother attended ED with an injury to the left wrist, saying she tripped over a toy. Triage note records she was accompanied by Mother's partner, who stayed in the cubicle.",
                    "Mother attended ED with a cut to the lip late at night. She said she walked into a door. Routine enquiry not possible as partner present.",
                ],
                actions: &["Referral to the hospital IDVA offered; declined.", "Discharged."],
            },
            Template {
                event_type: "Appointment missed or child not brought",
                source: "Outpatient record",
                roles: &["Paediatric outpatient nurse"],
                subjects: CHILD,
                details: &[
                    "Child A not brought to the fracture clinic follow-up appointment.",
                    "Child A not brought to the paediatric dietitian appointment for faltering growth.",
                ],
                actions: &["Second appointment sent.", "Discharged back to GP after two missed appointments."],
            },
        ],
        AgencyKind::School => &[
            Template {
                event_type: "Other",
                source: "School attendance record",
                roles: &["Attendance officer"],
                subjects: &["Child B"],
                details: &[
                    "Attendance concern: Child B's attendance this half-term is 82%, with several Monday absences reported by Mother as illness.",
                    "Child B late to school four times this week; Mother said the bus was late.",
                ],
                actions: &["Attendance letter 1 sent.", "Meeting offered with Mother."],
            },
            Template {
                event_type: "Information shared",
                source: "School safeguarding log",
                roles: &["Class teacher", "Designated safeguarding lead"],
                subjects: &["Child B"],
                details: &[
                    "Class teacher noted Child B came to school hungry and in the same clothes as the previous two days. Breakfast club place offered.",
                    "Child B told the teaching assistant that 'mummy and her boyfriend were shouting again' and that Child B hid in the bedroom with Child A.",
                    "Child B was tearful at pick-up time and did not want to go home; collected by Mother's partner.",
                ],
                actions: &["Logged and passed to the DSL.", "DSL called Mother.", "Shared with the allocated social worker."],
            },
            Template {
                event_type: "Multi-agency meeting",
                source: "School safeguarding log",
                roles: &["Designated safeguarding lead"],
                subjects: FAMILY,
                details: &[
                    "Team around the family meeting held at school with Mother, the family support worker and the school nurse.",
                    "Team around the family review: Mother did not attend and sent a message that she was unwell. Plan reviewed with the family support worker.",
                ],
                actions: &["Early help plan reviewed."],
            },
            Template {
                event_type: "Referral made",
                source: "School safeguarding log",
                roles: &["Designated safeguarding lead"],
                subjects: &["Child B"],
                details: &[
                    "Early help referral made by the DSL following repeated lateness and Child B's comments about arguments at home.",
                    "Referral to children's social care front door after Child B disclosed being frightened of Mother's partner.",
                ],
                actions: &["Referral form sent.", ""],
            },
        ],
        AgencyKind::SocialCare => &[
            Template {
                event_type: "Referral received",
                source: "Children's social care case record",
                roles: &["Front door duty worker"],
                subjects: FAMILY,
                details: &[
                    "PPN received from police following a domestic incident at the family address. Children were present.",
                    "Referral received from school about Child B's comments regarding arguments at home.",
                    "Contact received from the health visitor about missed contacts and concerns about Child A's weight.",
                ],
                actions: &["Threshold not met; signposted to early help.", "Progressed to child and family assessment.", "Information gathering from partner agencies."],
            },
            Template {
                event_type: "Assessment",
                source: "Children's social care case record",
                roles: &["Social worker"],
                subjects: FAMILY,
                details: &[
                    "Child and family assessment started. Mother seen at home; Mother's partner declined to take part.",
                    "Section 47 enquiry: Child A and Child B seen; Child B seen alone at school and spoke about shouting at home.",
                    "Child and family assessment completed: outcome child in need plan.",
                ],
                actions: &["Child in need plan.", "Proceed to initial child protection conference.", "Case to remain open."],
            },
            Template {
                event_type: "Strategy discussion or meeting",
                source: "Children's social care case record",
                roles: &["Team manager"],
                subjects: FAMILY,
                details: &[
                    "Strategy discussion held with police and health following a further domestic incident. Agreed to proceed to section 47 enquiries.",
                    "Strategy discussion by telephone with police after a PPN: threshold for section 47 not met; single-agency assessment to continue.",
                    "Strategy discussion held with police, the GP and the school; health visitor not available. Agreed joint visit to see both children.",
                ],
                actions: &["Section 47 enquiry to start."],
            },
            Template {
                event_type: "Child protection conference or core group",
                source: "Children's social care case record",
                roles: &["Child protection chair", "Social worker"],
                subjects: FAMILY,
                details: &[
                    "Initial child protection conference: Child A and Child B made subject to child protection plans under the category of emotional abuse.",
                    "Core group meeting: attendance from school, health visitor and Mother. Mother's partner did not attend.",
                    "Review child protection conference: plans continued; concerns about engagement.",
                ],
                actions: &["Plan distributed.", "Next core group booked.", ""],
            },
            Template {
                event_type: "Contact or visit",
                source: "Children's social care case record",
                roles: &["Social worker", "Family support worker"],
                subjects: CHILD,
                details: &[
                    "Statutory home visit: Child A and Child B seen. Home conditions poor; Child B's bedroom damp.",
                    "Unannounced visit: no answer. Mother later said she was at her mother's house.",
                ],
                actions: &["Visit recorded.", "Follow-up visit arranged."],
            },
            Template {
                event_type: "Case closed or transferred",
                source: "Children's social care case record",
                roles: &["Team manager"],
                subjects: FAMILY,
                details: &[
                    "Case stepped down to early help following the end of the child in need plan.",
                    "Case closed after the assessment: no further role for children's social care; Mother given details of local support.",
                ],
                actions: &["Transfer summary sent to early help."],
            },
        ],
        AgencyKind::Housing => &[
            Template {
                event_type: "Contact or visit",
                source: "Housing management system",
                roles: &["Housing officer", "Tenancy sustainment officer"],
                subjects: MOTHER,
                details: &[
                    "Tenancy visit: rent arrears of £1,240. Property in poor repair; damp and mould in the children's bedroom.",
                    "Visit to discuss a repairs request for a broken front door; Mother said it was damaged when she lost her keys.",
                ],
                actions: &["Repairs order raised.", "Referral to the money advice service."],
            },
            Template {
                event_type: "Other",
                source: "Housing management system",
                roles: &["Housing officer"],
                subjects: ADULTS,
                details: &[
                    "Noise complaint from a neighbour about shouting and banging late at night.",
                    "Notice seeking possession served for rent arrears of £2,015.",
                ],
                actions: &["Warning letter sent.", "Case reviewed at arrears panel."],
            },
            Template {
                event_type: "Referral made",
                source: "Housing management system",
                roles: &["Tenancy sustainment officer"],
                subjects: MOTHER,
                details: &[
                    "Referral made to the Café Connect drop-in for tenancy support and budgeting help.",
                    "Referral made to the floating support service after Mother said she was struggling to manage the bills.",
                ],
                actions: &["Referral accepted."],
            },
        ],
        AgencyKind::Probation => &[
            Template {
                event_type: "Appointment attended",
                source: "Probation case record",
                roles: &["Probation practitioner"],
                subjects: PARTNER,
                details: &[
                    "Mother's partner attended supervision. Said the relationship with Mother was 'fine' and that he was not living at the address.",
                    "Supervision appointment: Mother's partner discussed alcohol use and said he was drinking less.",
                ],
                actions: &["Next appointment booked.", ""],
            },
            Template {
                event_type: "Appointment missed or child not brought",
                source: "Probation case record",
                roles: &["Probation practitioner"],
                subjects: PARTNER,
                details: &[
                    "Mother's partner failed to attend supervision without an acceptable reason.",
                    "Mother's partner did not attend supervision; he later phoned to say he had been at work.",
                ],
                actions: &["Warning letter issued."],
            },
            Template {
                event_type: "Information shared",
                source: "Probation case record",
                roles: &["Probation practitioner"],
                subjects: PARTNER,
                details: &[
                    "Domestic abuse enquiry made to police: two call-outs to Mother's address in the last three months.",
                    "Safeguarding enquiry made to children's social care: the children at Mother's address are open to a social worker.",
                ],
                actions: &["Risk assessment to be reviewed.", ""],
            },
            Template {
                event_type: "Assessment",
                source: "Probation case record",
                roles: &["Probation practitioner"],
                subjects: PARTNER,
                details: &[
                    "Risk assessment reviewed: medium risk of serious harm to a known adult and to children.",
                    "Risk assessment updated after police shared a domestic incident at Mother's address: risk to children raised.",
                ],
                actions: &["Referral to a domestic abuse programme."],
            },
        ],
    }
}

/// What a practitioner adds after an entry's first sentences, in the
/// agency's own recording style: sentences true of any entry of that kind
/// of agency, so that none contradicts the entry it follows. An entry takes
/// a few of them, each at most once, never one it already holds.
fn more_of(kind: AgencyKind) -> &'static [&'static str] {
    match kind {
        AgencyKind::Police => &[
            "Previous incidents at the address were checked on police systems.",
            "The log was reviewed by the duty sergeant at the end of the shift.",
            "The record does not show whether the children's views were sought.",
            "Mother was given details of local domestic abuse support services.",
            "The address was already known to the safeguarding hub.",
            "No separate record was made about the children.",
            "Details were added to the address history for attending officers.",
        ],
        AgencyKind::Gp => &[
            "No safeguarding concern was coded on the child's record at this time.",
            "The family members' records were not linked on the practice system.",
            "There is no record of this being discussed at the practice safeguarding meeting.",
            "Mother's partner is not registered with the practice.",
            "Earlier 'was not brought' entries were not referred to.",
            "The entry was coded with no free-text note.",
        ],
        AgencyKind::HealthVisiting => &[
            "Contact recorded on the child health record the same day.",
            "Mother's partner's details were not recorded on the family health needs assessment.",
            "To be reviewed at the next safeguarding supervision.",
            "The record does not say whether Mother was seen alone and asked about domestic abuse.",
            "Earlier missed contacts are noted in the record.",
            "Child B is known to the school nursing service.",
        ],
        AgencyKind::Hospital => &[
            "Earlier ED attendances by the household were not reviewed.",
            "ED liaison health visitor notified through the daily attendance list.",
            "The hospital's child protection information system showed no flag for the children.",
            "Attendance discussed at the next day's paediatric liaison meeting.",
            "GP copied into the discharge letter.",
        ],
        AgencyKind::School => &[
            "Recorded on the school's online safeguarding log.",
            "The DSL reviewed the entry the same day.",
            "Class teacher asked to keep a close eye on Child B and to pass on any further comments.",
            "Read alongside earlier entries about Child B on the log.",
            "Child B's wellbeing was discussed at the weekly pastoral meeting.",
        ],
        AgencyKind::SocialCare => &[
            "Case note written up by the allocated worker two days later.",
            "Management oversight recorded by the team manager.",
            "Agency checks with police, health and school requested.",
            "The children's wishes and feelings are not recorded.",
            "Mother's partner's history was not explored in this record.",
            "Discussed in group supervision.",
        ],
        AgencyKind::Housing => &[
            "Mother's partner is not named on the tenancy.",
            "The officer did not know at the time that the children were open to children's social care.",
            "Tenancy file updated.",
            "No safeguarding referral was considered by housing at this time.",
            "Follow-up letter sent to the tenant.",
        ],
        AgencyKind::Probation => &[
            "The address Mother's partner gave was not verified.",
            "Discussed with the senior probation officer.",
            "Domestic abuse and safeguarding checks were due for review.",
            "He was reminded of the requirements of his order.",
        ],
    }
}

const ANALYSIS: &[&str] = &[
    "With hindsight the child's lived experience was not explored.",
    "This was a missed opportunity to ask Mother about domestic abuse.",
    "The information was not shared with the health visitor and should have been.",
    "Practice here was in line with procedures.",
    "Professional curiosity about Mother's partner's role in the household was limited.",
    "The pattern of missed appointments was not recognised as neglect.",
];

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

fn ordinal(day: u32) -> &'static str {
    match day {
        1 | 21 | 31 => "st",
        2 | 22 => "nd",
        3 | 23 => "rd",
        _ => "th",
    }
}

/// `d` written as a UK user might type it, in one of several exact-day forms
/// (`05/03/2019`, `5/3/19`, `5 March 2019`, `5th Mar 2019`, `2019-03-05`,
/// `Tuesday 5 March 2019`, `05-Mar-19`, `5.3.2019`, `05-03-2019`).
pub fn uk_date_text(d: NaiveDate, rng: &mut Rng) -> String {
    let (y, m, day) = (d.year(), d.month(), d.day());
    let month = MONTHS[m as usize - 1];
    let mon = &month[..3];
    match rng.below(9) {
        0 => format!("{day:02}/{m:02}/{y}"),
        1 => format!("{day}/{m}/{:02}", y % 100),
        2 => format!("{day} {month} {y}"),
        3 => format!("{day}{} {mon} {y}", ordinal(day)),
        4 => format!("{y}-{m:02}-{day:02}"),
        5 => format!("{} {day} {month} {y}", weekday_name(d.weekday())),
        6 => format!("{day:02}-{mon}-{:02}", y % 100),
        7 => format!("{day}.{m}.{y}"),
        _ => format!("{day:02}-{m:02}-{y}"),
    }
}

/// The month of `d` as a partial date: `March 2019` or `03/2019`.
pub fn partial_date_text(d: NaiveDate, rng: &mut Rng) -> String {
    if rng.chance(0.7) {
        format!("{} {}", MONTHS[d.month0() as usize], d.year())
    } else {
        format!("{:02}/{}", d.month(), d.year())
    }
}

/// `d` marked approximate: `c. 5 March 2019`, `?05/03/2019`, `approx 5/3/19`,
/// `circa 5 March 2019`.
pub fn approx_date_text(d: NaiveDate, rng: &mut Rng) -> String {
    let (y, m, day) = (d.year(), d.month(), d.day());
    let month = MONTHS[m as usize - 1];
    match rng.below(4) {
        0 => format!("c. {day} {month} {y}"),
        1 => format!("?{day:02}/{m:02}/{y}"),
        2 => format!("approx {day}/{m}/{:02}", y % 100),
        _ => format!("circa {day} {month} {y}"),
    }
}

fn time_text(t: NaiveTime, rng: &mut Rng) -> String {
    let (h, m) = (t.hour(), t.minute());
    match rng.below(5) {
        0 => {
            let (h12, ampm) = match h {
                0 => (12, "am"),
                1..=11 => (h, "am"),
                12 => (12, "pm"),
                _ => (h - 12, "pm"),
            };
            format!("{h12}.{m:02}{ampm}")
        }
        1 => format!("{h:02}{m:02}"),
        _ => format!("{h:02}:{m:02}"),
    }
}

/// The Details of an entry: its first sentences (`base`), then sentences
/// from [`more_of`] the agency's kind, each at most once and none the base
/// holds, until the text is `lo` characters long, and now and then one
/// more; never past `hi` (a sentence that would go past is left out, no
/// sentence is cut). No sentence is written twice; an entry the return
/// already holds (`used`) is given further sentences while there are any.
fn details_text(
    base: &str,
    kind: AgencyKind,
    rng: &mut Rng,
    (lo, hi): (usize, usize),
    used: &std::collections::HashSet<String>,
) -> String {
    let mut text = base.to_string();
    let mut pool: Vec<&str> = more_of(kind)
        .iter()
        .copied()
        .filter(|s| !base.contains(s))
        .collect();
    let len = |t: &str| t.chars().count();
    let mut extra = false;
    while !pool.is_empty() {
        let short = len(&text) < lo;
        // An entry the return already has is given one more sentence.
        if !short && !used.contains(&text) && (extra || !rng.chance(0.35)) {
            break;
        }
        extra |= !short;
        let s = pool.swap_remove(rng.below(pool.len() as u64) as usize);
        if hi > 0 && len(&text) + 1 + len(s) > hi {
            continue;
        }
        text.push(' ');
        text.push_str(s);
    }
    text
}

/// The rows of a return, in sheet order: the generated events sorted by day,
/// the planted rows slotted in by their sort day (a row without one at a
/// seeded position). Same spec, same rows.
pub fn plan_rows(spec: &ReturnSpec) -> Vec<Row> {
    let mut rng = Rng::new(spec.seed);
    // The wording of the Details draws from a stream of its own: rewording
    // the entries leaves every other cell as it was.
    let mut words = Rng::new(spec.seed ^ 0x776f_7264_696e_6773);
    let mut used = std::collections::HashSet::new();
    let (from, to) = spec.period;
    let span = (to - from).num_days().max(0) as u64;
    let mut days: Vec<NaiveDate> = (0..spec.events)
        .map(|_| from + chrono::Duration::days(rng.below(span + 1) as i64))
        .collect();
    days.sort();
    let temps = templates(spec.kind);
    let mut rows: Vec<Row> = Vec::with_capacity(spec.events + spec.extra_rows.len());
    for day in days {
        let t = rng.pick(temps);
        let date = if rng.chance(spec.text_date_share) {
            let r = rng.unit();
            if r < spec.partial_share {
                DateEntry::Text(partial_date_text(day, &mut rng))
            } else if r < spec.partial_share + spec.approx_share {
                DateEntry::Text(approx_date_text(day, &mut rng))
            } else {
                DateEntry::Text(uk_date_text(day, &mut rng))
            }
        } else {
            DateEntry::Cell(day)
        };
        let time = if rng.chance(spec.time_share) {
            let minutes = rng.range(7 * 60, 23 * 60 + 55) as u32 / 5 * 5;
            let tm = NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).expect("valid time");
            if rng.chance(spec.text_time_share) {
                Some(TimeEntry::Text(time_text(tm, &mut rng)))
            } else {
                Some(TimeEntry::Cell(tm))
            }
        } else {
            None
        };
        let event_type = if rng.chance(spec.blank_event_type_share) {
            String::new()
        } else {
            t.event_type.to_string()
        };
        let base: &str = rng.pick::<&str>(t.details);
        // The subject is someone the entry is about, where it names them.
        let named: Vec<&str> = t
            .subjects
            .iter()
            .copied()
            .filter(|s| base.starts_with(s) || base.contains(&format!(" {s} ")))
            .collect();
        let subject = if named.is_empty() {
            rng.pick(t.subjects).to_string()
        } else {
            rng.pick(&named).to_string()
        };
        let details = details_text(base, spec.kind, &mut words, spec.details_len, &used);
        used.insert(details.clone());
        let action = if rng.chance(0.75) {
            rng.pick(t.actions).to_string()
        } else {
            String::new()
        };
        let analysis = if rng.chance(0.2) {
            rng.pick(ANALYSIS).to_string()
        } else {
            String::new()
        };
        let mut row = Row {
            date,
            time,
            sequence: None,
            source: t.source.to_string(),
            role: rng.pick(t.roles).to_string(),
            subject,
            event_type,
            details,
            action,
            analysis,
            sort_date: Some(day),
        };
        // Same day, no times: agencies number the entries.
        if let Some(prev) = rows.last_mut() {
            if prev.sort_date == Some(day) && prev.time.is_none() && row.time.is_none() {
                let p = *prev.sequence.get_or_insert(1.0);
                row.sequence = Some(p + 1.0);
            }
        }
        rows.push(row);
    }
    for extra in &spec.extra_rows {
        let at = match extra.sort_date {
            Some(d) => rows.partition_point(|r| r.sort_date.is_some_and(|x| x <= d)),
            None => rng.below(rows.len() as u64 + 1) as usize,
        };
        rows.insert(at, extra.clone());
    }
    rows
}

fn count(spec: &ReturnSpec, rows: &[Row], path: &Path, date1904: bool) -> GeneratedReturn {
    let mut g = GeneratedReturn {
        path: path.to_path_buf(),
        rows: rows.len(),
        planted_rows: spec.extra_rows.len(),
        date1904,
        ..Default::default()
    };
    for r in rows {
        match &r.date {
            DateEntry::Cell(_) => g.date_cells += 1,
            DateEntry::Text(t) => {
                g.text_dates += 1;
                let lower = t.to_lowercase();
                if ["?", "c.", "circa", "approx"]
                    .iter()
                    .any(|p| lower.starts_with(p))
                {
                    g.approx_dates += 1;
                } else if is_partial_text(t) {
                    g.partial_dates += 1;
                }
            }
            DateEntry::Blank => g.blank_dates += 1,
        }
        if r.time.is_some() {
            g.timed += 1;
        }
        if r.event_type.is_empty() {
            g.blank_event_types += 1;
        }
    }
    g
}

/// `March 2019` or `03/2019`: the partial forms this module writes.
fn is_partial_text(t: &str) -> bool {
    let parts: Vec<&str> = t.split([' ', '/']).collect();
    parts.len() == 2
        && parts[1].len() == 4
        && parts[1].bytes().all(|b| b.is_ascii_digit())
        && (MONTHS.contains(&parts[0])
            || (parts[0].len() == 2 && parts[0].bytes().all(|b| b.is_ascii_digit())))
}

/// The Excel serial of `d` (1900 system, or 1904 when `date1904`).
pub fn excel_serial(d: NaiveDate, date1904: bool) -> f64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("epoch");
    let n = (d - epoch).num_days() as f64;
    if date1904 {
        n - 1462.0
    } else {
        n
    }
}

const GUIDANCE: &[&str] = &[
    "Agency chronology return (template v1)",
    "",
    "Fill in 'Agency details', then one event a row on 'Chronology', from row 2.",
    "Dates: day first (dd/mm/yyyy). Partial dates such as 'March 2019' are allowed; mark an uncertain date with 'c.' or '?'.",
    "Times: 24-hour HH:MM where known. Use Sequence to order events on the same day when times are unknown.",
    "Use roles, not names: 'Child A', 'Mother', 'Health visitor'.",
    "Event type: choose from the list below; use 'Other' if none fits.",
    "A good entry says what happened, who was seen, and what was done as a result.",
    "",
    "Event types:",
];

/// Write `spec` as an `.xlsx` return (sheets `Guidance`, `Agency details`,
/// `Chronology`) at `path`. With [`ReturnSpec::use_1904`] the workbook is
/// saved with the 1904 date system: its date cells hold serials 1462 lower
/// and `xl/workbook.xml` says `date1904="1"`, so it reads as the same dates.
pub fn write_xlsx(spec: &ReturnSpec, path: &Path) -> Result<GeneratedReturn, GenerateError> {
    let rows = plan_rows(spec);
    let date1904 = spec.use_1904;
    let mut workbook = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(2024, 7, 1)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!("Agency chronology return: {}", spec.review))
            .set_creation_datetime(&fixed),
    );
    let bold = Format::new().set_bold();
    let date_fmt = Format::new().set_num_format("dd/mm/yyyy");
    let time_fmt = Format::new().set_num_format("hh:mm");
    let wrap = Format::new().set_text_wrap();
    let big = rows.len() > 20_000;

    let new_sheet = |wb: &mut Workbook| -> Result<(), XlsxError> {
        if big {
            wb.add_worksheet_with_constant_memory()?;
        } else {
            wb.add_worksheet();
        }
        Ok(())
    };

    new_sheet(&mut workbook)?;
    {
        let ws = workbook.worksheet_from_index(0)?;
        ws.set_name("Guidance")?;
        ws.set_column_width(0, 100)?;
        let mut r = 0u32;
        for line in GUIDANCE {
            if r == 0 {
                ws.write_string_with_format(r, 0, *line, &bold)?;
            } else {
                ws.write_string(r, 0, *line)?;
            }
            r += 1;
        }
        for et in EVENT_TYPES {
            ws.write_string(r, 0, format!("  {et}"))?;
            r += 1;
        }
    }
    new_sheet(&mut workbook)?;
    {
        let ws = workbook.worksheet_from_index(1)?;
        ws.set_name("Agency details")?;
        ws.set_column_width(0, 24)?;
        ws.set_column_width(1, 48)?;
        let texts = [
            spec.agency.as_str(),
            spec.review.as_str(),
            spec.completed_by.as_str(),
        ];
        let dates = [spec.date_completed, spec.period.0, spec.period.1];
        for (i, label) in DETAILS_LABELS.iter().enumerate() {
            let r = i as u32;
            ws.write_string_with_format(r, 0, *label, &bold)?;
            if i < 3 {
                ws.write_string(r, 1, texts[i])?;
            } else {
                ws.write_number_with_format(r, 1, excel_serial(dates[i - 3], date1904), &date_fmt)?;
            }
        }
    }
    new_sheet(&mut workbook)?;
    {
        let ws = workbook.worksheet_from_index(2)?;
        ws.set_name("Chronology")?;
        let widths = [12.0, 8.0, 9.0, 26.0, 22.0, 20.0, 30.0, 80.0, 40.0, 40.0];
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, *w)?;
        }
        for (c, h) in CHRONOLOGY_HEADINGS.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        ws.set_freeze_panes(1, 0)?;
        for (i, row) in rows.iter().enumerate() {
            write_row(ws, i as u32 + 1, row, date1904, &date_fmt, &time_fmt, &wrap)?;
        }
    }
    if date1904 {
        let tmp = path.with_extension("xlsx.tmp");
        workbook.save(&tmp)?;
        let res = set_1904(&tmp, path);
        let _ = fs::remove_file(&tmp);
        res?;
    } else {
        workbook.save(path)?;
    }
    Ok(count(spec, &rows, path, date1904))
}

fn write_row(
    ws: &mut Worksheet,
    r: u32,
    row: &Row,
    date1904: bool,
    date_fmt: &Format,
    time_fmt: &Format,
    wrap: &Format,
) -> Result<(), XlsxError> {
    match &row.date {
        DateEntry::Cell(d) => {
            ws.write_number_with_format(r, 0, excel_serial(*d, date1904), date_fmt)?;
        }
        DateEntry::Text(t) => {
            ws.write_string(r, 0, t)?;
        }
        DateEntry::Blank => {}
    }
    match &row.time {
        Some(TimeEntry::Cell(t)) => {
            let frac = t.num_seconds_from_midnight() as f64 / 86_400.0;
            ws.write_number_with_format(r, 1, frac, time_fmt)?;
        }
        Some(TimeEntry::Text(t)) => {
            ws.write_string(r, 1, t)?;
        }
        None => {}
    }
    if let Some(s) = row.sequence {
        ws.write_number(r, 2, s)?;
    }
    let texts = [
        &row.source,
        &row.role,
        &row.subject,
        &row.event_type,
        &row.details,
        &row.action,
        &row.analysis,
    ];
    for (i, t) in texts.iter().enumerate() {
        if t.is_empty() {
            continue;
        }
        let c = 3 + i as u16;
        if c == 7 {
            ws.write_string_with_format(r, c, *t, wrap)?;
        } else {
            ws.write_string(r, c, *t)?;
        }
    }
    Ok(())
}

/// Copy the workbook `src` to `dst`, marking it as saved with the 1904 date
/// system (`<workbookPr date1904="1" …/>`). The cell values are copied as
/// they are: the caller has written serials for the 1904 epoch.
fn set_1904(src: &Path, dst: &Path) -> Result<(), GenerateError> {
    let mut archive = zip::ZipArchive::new(fs::File::open(src)?)?;
    let mut out = zip::ZipWriter::new(fs::File::create(dst)?);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for i in 0..archive.len() {
        let mut file = archive.by_index(i)?;
        let name = file.name()?.into_owned();
        if name == "xl/workbook.xml" {
            let mut xml = String::new();
            file.read_to_string(&mut xml)?;
            drop(file);
            let patched = xml.replacen("<workbookPr", "<workbookPr date1904=\"1\"", 1);
            out.start_file(name, options)?;
            out.write_all(patched.as_bytes())?;
        } else {
            out.raw_copy_file(file)?;
        }
    }
    out.finish()?;
    Ok(())
}

/// Write `spec` as a CSV export at `path`: line 1 the Chronology headings
/// plus an `Agency` column (last), then one event a line. Real date cells
/// become `dd/mm/yyyy`, time cells `HH:MM`. UTF-8 (with a byte-order mark
/// when `with_bom`) or, when `windows_1252`, Windows-1252 (no BOM).
pub fn write_csv(
    spec: &ReturnSpec,
    path: &Path,
    with_bom: bool,
    windows_1252: bool,
) -> Result<GeneratedReturn, GenerateError> {
    let rows = plan_rows(spec);
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut header: Vec<&str> = CHRONOLOGY_HEADINGS.to_vec();
    header.push(CSV_AGENCY_HEADING);
    w.write_record(&header)?;
    for row in &rows {
        let date = match &row.date {
            DateEntry::Cell(d) => d.format("%d/%m/%Y").to_string(),
            DateEntry::Text(t) => t.clone(),
            DateEntry::Blank => String::new(),
        };
        let time = match &row.time {
            Some(TimeEntry::Cell(t)) => t.format("%H:%M").to_string(),
            Some(TimeEntry::Text(t)) => t.clone(),
            None => String::new(),
        };
        let seq = row.sequence.map(|s| s.to_string()).unwrap_or_default();
        w.write_record([
            date.as_str(),
            &time,
            &seq,
            &row.source,
            &row.role,
            &row.subject,
            &row.event_type,
            &row.details,
            &row.action,
            &row.analysis,
            &spec.agency,
        ])?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| GenerateError::Io(e.into_error()))?;
    let text = String::from_utf8(bytes).map_err(|e| GenerateError::Encoding(e.to_string()))?;
    let out: Vec<u8> = if windows_1252 {
        let (enc, _, had_errors) = encoding_rs::WINDOWS_1252.encode(&text);
        if had_errors {
            return Err(GenerateError::Encoding(format!(
                "{}: text has characters Windows-1252 cannot hold",
                path.display()
            )));
        }
        enc.into_owned()
    } else if with_bom {
        let mut v = vec![0xEF, 0xBB, 0xBF];
        v.extend_from_slice(text.as_bytes());
        v
    } else {
        text.into_bytes()
    };
    fs::write(path, out)?;
    Ok(count(spec, &rows, path, false))
}

/// The file format of one return in a review folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReturnFormat {
    /// An `.xlsx` workbook (1904 date system when the spec says so).
    Xlsx,
    /// A CSV export.
    Csv {
        /// UTF-8 with a byte-order mark.
        with_bom: bool,
        /// Windows-1252 instead of UTF-8.
        windows_1252: bool,
    },
    /// An `.xlsx` written to the review's `_convert/<ext>/` folder, for a
    /// LibreOffice re-save to this extension (`ods`, `xls`) by
    /// `scripts/make-fixtures.sh`.
    ConvertTo(String),
}

/// One return of a review.
#[derive(Debug, Clone)]
pub struct ReviewReturn {
    /// The file name stem (no extension), e.g. `police`.
    pub stem: String,
    /// What to write.
    pub spec: ReturnSpec,
    /// How to write it.
    pub format: ReturnFormat,
    /// Other names the agency goes by (for `review.toml`).
    pub aliases: Vec<String>,
    /// Its colour in the merged chronology, `#RRGGBB` (for `review.toml`).
    pub colour: String,
}

/// A whole review folder.
#[derive(Debug, Clone)]
pub struct ReviewSpec {
    /// The review reference, e.g. `LCSPR-2024-03`.
    pub reference: String,
    /// The review period.
    pub period: (NaiveDate, NaiveDate),
    /// Days either side of the period before a date is warned about.
    pub margin_days: u32,
    /// The returns.
    pub returns: Vec<ReviewReturn>,
    /// Other files to drop in the folder (name, bytes): notes, lock files.
    pub extra_files: Vec<(String, Vec<u8>)>,
    /// Write a `review.toml`.
    pub write_config: bool,
}

/// The `review.toml` for `spec`.
pub fn review_toml(spec: &ReviewSpec) -> String {
    let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut t = String::new();
    t.push_str(&format!("review = {}\n", q(&spec.reference)));
    t.push_str(&format!(
        "period_from = {}\n",
        spec.period.0.format("%Y-%m-%d")
    ));
    t.push_str(&format!(
        "period_to = {}\n",
        spec.period.1.format("%Y-%m-%d")
    ));
    t.push_str(&format!("margin_days = {}\n", spec.margin_days));
    for r in &spec.returns {
        t.push_str("\n[[agencies]]\n");
        t.push_str(&format!("name = {}\n", q(&r.spec.agency)));
        let aliases: Vec<String> = r.aliases.iter().map(|a| q(a)).collect();
        t.push_str(&format!("aliases = [{}]\n", aliases.join(", ")));
        t.push_str(&format!("colour = {}\n", q(&r.colour)));
    }
    t
}

/// Write every return of `spec` into `dir` (created if missing), with its
/// `review.toml` and extra files. Returns awaiting a LibreOffice re-save go
/// to `dir/_convert/<ext>/<stem>.xlsx`.
pub fn write_review(dir: &Path, spec: &ReviewSpec) -> Result<Vec<GeneratedReturn>, GenerateError> {
    fs::create_dir_all(dir)?;
    let mut out = Vec::with_capacity(spec.returns.len());
    for r in &spec.returns {
        let g = match &r.format {
            ReturnFormat::Xlsx => write_xlsx(&r.spec, &dir.join(format!("{}.xlsx", r.stem)))?,
            ReturnFormat::Csv {
                with_bom,
                windows_1252,
            } => write_csv(
                &r.spec,
                &dir.join(format!("{}.csv", r.stem)),
                *with_bom,
                *windows_1252,
            )?,
            ReturnFormat::ConvertTo(ext) => {
                let conv = dir.join("_convert").join(ext);
                fs::create_dir_all(&conv)?;
                write_xlsx(&r.spec, &conv.join(format!("{}.xlsx", r.stem)))?
            }
        };
        out.push(g);
    }
    if spec.write_config {
        fs::write(dir.join("review.toml"), review_toml(spec))?;
    }
    for (name, bytes) in &spec.extra_files {
        fs::write(dir.join(name), bytes)?;
    }
    Ok(out)
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

const COLOURS: [&str; 12] = [
    "#1F77B4", "#D62728", "#2CA02C", "#9467BD", "#FF7F0E", "#8C564B", "#E377C2", "#17BECF",
    "#BCBD22", "#7F7F7F", "#AEC7E8", "#FFBB78",
];

/// A review of `agencies` `.xlsx` returns of `events` events each (agency
/// kinds in turn, numbered when they repeat), for benchmarks. Period
/// 2022-01-01..2024-06-30, reference `BENCH-<seed>`.
///
/// ```
/// let spec = chronomerge_testdata::generate::scale_review(3, 100, 1);
/// assert_eq!(spec.returns.len(), 3);
/// assert_eq!(spec.reference, "BENCH-1");
/// ```
pub fn scale_review(agencies: usize, events: usize, seed: u64) -> ReviewSpec {
    scale_review_over(agencies, events, seed, (ymd(2022, 1, 1), ymd(2024, 6, 30)))
}

/// [`scale_review`] over another period: a longer period holds the same
/// events less densely (fewer events of other agencies on the same days,
/// so less work for the joint-event linker per event).
///
/// ```
/// use chrono::NaiveDate;
/// let from = NaiveDate::from_ymd_opt(2004, 7, 1).unwrap();
/// let to = NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
/// let spec = chronomerge_testdata::generate::scale_review_over(2, 10, 1, (from, to));
/// assert_eq!(spec.period, (from, to));
/// ```
pub fn scale_review_over(
    agencies: usize,
    events: usize,
    seed: u64,
    period: (NaiveDate, NaiveDate),
) -> ReviewSpec {
    let reference = format!("BENCH-{seed}");
    let returns = (0..agencies)
        .map(|i| {
            let kind = AgencyKind::ALL[i % AgencyKind::ALL.len()];
            let round = i / AgencyKind::ALL.len();
            let (name, stem) = if round == 0 {
                (kind.default_name().to_string(), kind.slug().to_string())
            } else {
                (
                    format!("{} {}", kind.default_name(), round + 1),
                    format!("{}-{}", kind.slug(), round + 1),
                )
            };
            let s = seed.wrapping_mul(1000).wrapping_add(i as u64);
            ReviewReturn {
                stem,
                spec: ReturnSpec::new(&name, kind, &reference, events, s, period),
                format: ReturnFormat::Xlsx,
                aliases: Vec::new(),
                colour: COLOURS[i % COLOURS.len()].to_string(),
            }
        })
        .collect();
    ReviewSpec {
        reference,
        period,
        margin_days: 30,
        returns,
        extra_files: Vec::new(),
        write_config: true,
    }
}

/// The bundled sample review `LCSPR-2024-03` (`fixtures/sample-review`):
/// seven agencies in five formats, with planted errors and a multi-agency
/// episode (an injury to Child A, 9–13 October 2023). See
/// `fixtures/README.md`.
pub fn sample_review() -> ReviewSpec {
    let reference = "LCSPR-2024-03";
    let period = (ymd(2022, 1, 1), ymd(2024, 6, 30));
    let ret = |stem: &str, kind: AgencyKind, events: usize, seed: u64| ReviewReturn {
        stem: stem.to_string(),
        spec: ReturnSpec::new(kind.default_name(), kind, reference, events, seed, period),
        format: ReturnFormat::Xlsx,
        aliases: Vec::new(),
        colour: String::new(),
    };
    let ep = |d: u32| ymd(2023, 10, d);

    // Police: xlsx; planted: a row with no date.
    let mut police = ret("police", AgencyKind::Police, 48, 101);
    police.aliases = vec!["WSP".into(), "Westshire Constabulary".into()];
    police.colour = "#1F3A93".into();
    police.spec.extra_rows = vec![
        Row::on(ep(9), "Police incident log", "PC (response)", "Child A", "Incident or call-out",
            "Call from children's social care emergency duty team reporting that Child A (14 months) was in ED with unexplained bruising to the ear and cheek. Officers attended the hospital and spoke with Mother; Mother's partner not present.")
            .at(22, 5)
            .action("Child abuse investigation team informed; strategy discussion requested."),
        Row::on(ep(10), "Police crime record", "DC (child abuse investigation team)", "Child A", "Strategy discussion or meeting",
            "Strat meeting by Teams with social care and health. Medical view: bruising to the ear not consistent with a fall against furniture. Joint investigation agreed; Mother's partner to be interviewed.")
            .date_entry(DateEntry::Text("10/10/2023".into()))
            .at_text("0930")
            .action("Crime recorded: assault on a child. Joint visit with social worker planned."),
        Row::on(ep(11), "Police crime record", "DC (child abuse investigation team)", "Mother's partner", "Other",
            "Mother's partner interviewed under caution. Denied causing the injuries; said Child A fell while he was in the kitchen.")
            .at(14, 0)
            .action("Released under investigation."),
        Row {
            date: DateEntry::Blank,
            sort_date: None,
            ..Row::on(ep(1), "Police incident log", "PC (response)", "Mother", "Contact or visit",
                "Follow-up call to Mother to check on her welfare after the incident; no answer and voicemail left.")
        },
    ];

    // Children's social care: xlsx.
    let mut csc = ret("childrens-social-care", AgencyKind::SocialCare, 70, 202);
    csc.aliases = vec![
        "CSC".into(),
        "Children's Services".into(),
        "Westshire Council Children's Social Care".into(),
    ];
    csc.colour = "#C0392B".into();
    csc.spec.extra_rows = vec![
        Row::on(ep(9), "Children's social care case record", "Emergency duty team social worker", "Child A", "Referral received",
            "Telephone referral from the ED paediatric registrar: Child A has bruising to the left ear and cheek and a bruise to the upper arm; Mother says Child A fell against a coffee table. Police informed.")
            .at(21, 15)
            .action("Strategy discussion to be convened the next morning; Child A to remain on the ward overnight."),
        Row::on(ep(10), "Children's social care case record", "Team manager", "Child A", "Strategy discussion or meeting",
            "Strategy discussion chaired by the team manager with police (child abuse investigation team), the consultant paediatrician and the hospital safeguarding nurse. Threshold for section 47 met; joint investigation with police agreed. Health visitor not invited.")
            .at(9, 30)
            .action("Section 47 enquiries to start; safety plan needed before discharge.")
            .analysis("The health visitor and GP held relevant information about missed appointments that was not available to the strategy discussion."),
        Row::on(ep(10), "Children's social care case record", "Social worker", "Child A", "Assessment",
            "Section 47 enquiry started. Child A seen on the ward with Mother. Child B seen at school.")
            .at(15, 0),
        Row::on(ep(11), "Children's social care case record", "Social worker", "Child A", "Other",
            "Safety plan agreed: Child A discharged to maternal grandmother's home; Mother to stay there too; Mother's partner to have no unsupervised contact with the children.")
            .at(16, 45),
    ];

    // Hospital: xlsx.
    let mut hospital = ret("hospital", AgencyKind::Hospital, 45, 303);
    hospital.aliases = vec!["Northgate Hospitals".into(), "Northgate ED".into()];
    hospital.colour = "#27AE60".into();
    hospital.spec.extra_rows = vec![
        Row::on(ep(9), "ED record", "ED nurse", "Child A", "Hospital attendance or admission",
            "Child A (14 months) brought to ED by Mother with bruising to the left ear and cheek and a small bruise to the upper arm. Mother said Child A fell against the coffee table while cruising; Mother's partner had been looking after Child A.")
            .at(19, 40)
            .action("Reviewed by the paediatric registrar: injuries not consistent with the explanation. Admitted to the children's ward; referral to children's social care by telephone."),
        Row::on(ep(10), "Paediatric ward notes", "Hospital safeguarding nurse", "Child A", "Multi-agency meeting",
            "Named nurse for safeguarding joined the strategy call from the ward by phone. Medical findings shared: pattern of bruising to the ear suggests a grip or blow, not a fall.")
            .at(9, 35),
        Row::on(ep(10), "Paediatric ward notes", "Consultant paediatrician", "Child A", "Injury or medical attention",
            "Child protection medical: bruising to the left pinna and cheek, fingertip-pattern bruises to the upper arm. Skeletal survey and bloods requested.")
            .at(11, 20)
            .action("Skeletal survey normal; report sent to social care and police."),
    ];

    // GP: re-saved as .xls; planted: an event type not in the list.
    let mut gp = ret("gp", AgencyKind::Gp, 40, 404);
    gp.format = ReturnFormat::ConvertTo("xls".into());
    gp.aliases = vec!["Riverside Surgery".into(), "GP".into()];
    gp.colour = "#8E44AD".into();
    gp.spec.extra_rows = vec![
        Row::on(ep(12), "GP record", "GP", "Child A", "Information shared",
            "Notification received from ED and children's social care about Child A's admission with bruising. Record reviewed: Child A not brought to two immunisation appointments this year.")
            .action("Alert added to the record; information sent to the social worker."),
        Row::on(ymd(2023, 3, 14), "GP record", "GP", "Mother", "Telephone consultation",
            "Telephone call with Mother about Child A's cough. Mother sounded distressed and said 'things are difficult at home' but ended the call when asked more.")
            .at(11, 10)
            .analysis("The disclosure was not followed up at the next contact."),
    ];

    // Health visiting: 1904 date system.
    let mut hv = ret("health-visiting", AgencyKind::HealthVisiting, 45, 505);
    hv.spec.use_1904 = true;
    hv.aliases = vec!["Health Visiting".into(), "0-19 service".into()];
    hv.colour = "#E67E22".into();
    hv.spec.extra_rows = vec![
        Row::on(ep(10), "Health visiting record", "Health visitor", "Child A", "Information shared",
            "Told by the hospital safeguarding team that a strategy meeting had been held about Child A. Health visitor was not invited; information about missed contacts sent to the social worker by email.")
            .at(14, 10),
        Row::on(ep(13), "Health visiting record", "Health visitor", "Child A", "Contact or visit",
            "Joint home visit with the social worker at maternal grandmother's home. Child A seen; bruising fading. Mother tearful; said Mother's partner 'would never hurt him'.")
            .at(10, 0),
    ];

    // School: re-saved as .ods; planted: a date that does not exist.
    let mut school = ret("school", AgencyKind::School, 35, 606);
    school.format = ReturnFormat::ConvertTo("ods".into());
    school.aliases = vec!["Oakfield Primary".into()];
    school.colour = "#16A085".into();
    school.spec.extra_rows = vec![
        Row::on(ep(11), "School safeguarding log", "Designated safeguarding lead", "Child B", "Information shared",
            "Social worker visited school to see Child B after the strategy discussion about Child A. Child B said 'my brother got hurt' and did not want to say more.")
            .at(13, 30),
        Row::on(ymd(2023, 2, 28), "School safeguarding log", "Class teacher", "Child B", "Information shared",
            "Child B arrived with a scratch on the cheek and said the cat did it.")
            .date_entry(DateEntry::Text("31/02/2023".into())),
    ];

    // Housing: Windows-1252 CSV; planted: a date outside the review period.
    let mut housing = ret("housing", AgencyKind::Housing, 30, 707);
    housing.format = ReturnFormat::Csv {
        with_bom: false,
        windows_1252: true,
    };
    housing.aliases = vec!["WH".into(), "Westshire Homes Ltd".into()];
    housing.colour = "#7F8C8D".into();
    housing.spec.extra_rows = vec![Row::on(ymd(2021, 9, 14), "Housing management system", "Housing officer", "Mother", "Other",
        "Tenancy signed by Mother for a two-bedroom flat; deposit of £450 paid through the Café Connect deposit scheme.")];

    let notes = "Notes from the business unit, not a return.\r\n\
        Police return chased 03/07/2024; school sent theirs as .ods.\r\n\
        GP return is the practice's own re-save (.xls).\r\n";
    // An Excel owner file: a length byte, the owner, padding.
    let mut lock = vec![12u8];
    lock.extend_from_slice(b"Review admin");
    lock.resize(54, b' ');

    ReviewSpec {
        reference: reference.to_string(),
        period,
        margin_days: 30,
        returns: vec![police, csc, hospital, gp, hv, school, housing],
        extra_files: vec![
            ("notes.txt".into(), notes.as_bytes().to_vec()),
            ("~$police.xlsx".into(), lock),
        ],
        write_config: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{open_workbook_auto, Data, Reader};

    fn period() -> (NaiveDate, NaiveDate) {
        (ymd(2022, 1, 1), ymd(2024, 6, 30))
    }

    fn spec(seed: u64) -> ReturnSpec {
        ReturnSpec::new(
            "Westshire Police",
            AgencyKind::Police,
            "LCSPR-2024-03",
            120,
            seed,
            period(),
        )
    }

    #[test]
    fn plan_is_deterministic_and_counts_rows() {
        let mut s = spec(9);
        s.extra_rows
            .push(Row::on(ymd(2023, 1, 1), "x", "", "", "Other", "planted"));
        let a = plan_rows(&s);
        assert_eq!(a, plan_rows(&s));
        assert_eq!(a.len(), 121);
        assert_ne!(a, plan_rows(&spec(10)));
        for r in &a {
            assert!(!r.source.is_empty() && !r.details.is_empty());
            let n = r.details.chars().count();
            assert!(r.details == "planted" || (80..=600).contains(&n), "{n}");
            assert!(r.event_type.is_empty() || EVENT_TYPES.contains(&r.event_type.as_str()));
        }
    }

    #[test]
    fn xlsx_has_the_template_and_row_count() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("police.xlsx");
        let g = write_xlsx(&spec(1), &path).unwrap();
        assert_eq!(g.rows, 120);
        assert_eq!(g.date_cells + g.text_dates + g.blank_dates, 120);
        assert!(g.text_dates > 10 && g.date_cells > 50);
        let mut wb = open_workbook_auto(&path).unwrap();
        assert_eq!(
            wb.sheet_names(),
            vec!["Guidance", "Agency details", "Chronology"]
        );
        let ch = wb.worksheet_range("Chronology").unwrap();
        let heads: Vec<String> = (0..10)
            .map(|c| ch.get_value((0, c)).unwrap().to_string())
            .collect();
        assert_eq!(heads, CHRONOLOGY_HEADINGS);
        assert_eq!(ch.height(), 121);
        let det = wb.worksheet_range("Agency details").unwrap();
        assert_eq!(
            det.get_value((0, 1)).unwrap().to_string(),
            "Westshire Police"
        );
        assert_eq!(det.get_value((1, 1)).unwrap().to_string(), "LCSPR-2024-03");
        // Same bytes on a second run.
        let path2 = dir.path().join("again.xlsx");
        write_xlsx(&spec(1), &path2).unwrap();
        assert_eq!(fs::read(&path).unwrap(), fs::read(&path2).unwrap());
    }

    fn first_dates(path: &Path) -> Vec<NaiveDate> {
        let mut wb = open_workbook_auto(path).unwrap();
        let ch = wb.worksheet_range("Chronology").unwrap();
        ch.rows()
            .skip(1)
            .filter_map(|r| match &r[0] {
                Data::DateTime(d) => d.as_datetime().map(|x| x.date()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn workbook_1904_reads_as_the_same_dates() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.xlsx");
        let b = dir.path().join("b.xlsx");
        let s = spec(5);
        write_xlsx(&s, &a).unwrap();
        let mut s4 = s.clone();
        s4.use_1904 = true;
        let g = write_xlsx(&s4, &b).unwrap();
        assert!(g.date1904);
        let (da, db) = (first_dates(&a), first_dates(&b));
        assert!(!da.is_empty());
        assert_eq!(da, db);
        let expected: Vec<NaiveDate> = plan_rows(&s)
            .iter()
            .filter_map(|r| match r.date {
                DateEntry::Cell(d) => Some(d),
                _ => None,
            })
            .collect();
        assert_eq!(da, expected);
    }

    #[test]
    fn csv_windows_1252_and_bom() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = ReturnSpec::new(
            "Westshire Homes Café",
            AgencyKind::Housing,
            "R",
            20,
            3,
            period(),
        );
        s.extra_rows.push(Row::on(
            ymd(2023, 1, 1),
            "Housing",
            "",
            "",
            "Other",
            "Arrears £10",
        ));
        let p = dir.path().join("h.csv");
        let g = write_csv(&s, &p, false, true).unwrap();
        assert_eq!(g.rows, 21);
        let bytes = fs::read(&p).unwrap();
        assert!(bytes.contains(&0xA3)); // £
        assert!(bytes.contains(&0xE9)); // é
        let (text, _, bad) = encoding_rs::WINDOWS_1252.decode(&bytes);
        assert!(!bad);
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(&h[..10], CHRONOLOGY_HEADINGS);
        assert_eq!(h[10], "Agency");
        assert_eq!(r.records().count(), 21);

        let p2 = dir.path().join("u.csv");
        write_csv(&s, &p2, true, false).unwrap();
        assert!(fs::read(&p2).unwrap().starts_with(&[0xEF, 0xBB, 0xBF]));
    }

    #[test]
    fn sample_review_writes_its_files() {
        let dir = tempfile::tempdir().unwrap();
        let spec = sample_review();
        let out = write_review(dir.path(), &spec).unwrap();
        assert_eq!(out.len(), 7);
        let total: usize = out.iter().map(|g| g.rows).sum();
        assert!((300..500).contains(&total), "{total}");
        for name in [
            "police.xlsx",
            "housing.csv",
            "review.toml",
            "notes.txt",
            "~$police.xlsx",
            "_convert/xls/gp.xlsx",
            "_convert/ods/school.xlsx",
        ] {
            assert!(dir.path().join(name).exists(), "{name}");
        }
        let cfg = fs::read_to_string(dir.path().join("review.toml")).unwrap();
        let v: toml::Table = toml::from_str(&cfg).unwrap();
        assert_eq!(v["review"].as_str(), Some("LCSPR-2024-03"));
        assert_eq!(v["agencies"].as_array().unwrap().len(), 7);
    }

    fn cell_date(d: &Data) -> Option<NaiveDate> {
        match d {
            Data::DateTime(x) => x.as_datetime().map(|t| t.date()),
            Data::DateTimeIso(s) => NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok(),
            _ => None,
        }
    }

    /// The committed `fixtures/sample-review` is what [`sample_review`]
    /// describes, in every format (xlsx, 1904 xlsx, LibreOffice .ods and
    /// .xls re-saves, Windows-1252 CSV): same rows, same dates.
    #[test]
    fn committed_sample_review_matches_the_spec() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/sample-review");
        assert!(dir.is_dir(), "{} is missing", dir.display());
        let spec = sample_review();
        for r in &spec.returns {
            let rows = plan_rows(&r.spec);
            let ext = match &r.format {
                ReturnFormat::Xlsx => "xlsx".to_string(),
                ReturnFormat::Csv { .. } => "csv".to_string(),
                ReturnFormat::ConvertTo(e) => e.clone(),
            };
            let path = dir.join(format!("{}.{ext}", r.stem));
            if ext == "csv" {
                let bytes = fs::read(&path).unwrap();
                let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
                let mut rd = csv::Reader::from_reader(text.as_bytes());
                let recs: Vec<csv::StringRecord> = rd.records().map(|x| x.unwrap()).collect();
                assert_eq!(recs.len(), rows.len(), "{}", path.display());
                for (rec, row) in recs.iter().zip(&rows) {
                    assert_eq!(rec.get(7), Some(row.details.as_str()));
                    assert_eq!(rec.get(10), Some(r.spec.agency.as_str()));
                }
                continue;
            }
            let mut wb = open_workbook_auto(&path).unwrap();
            let det = wb.worksheet_range("Agency details").unwrap();
            assert_eq!(det.get_value((0, 1)).unwrap().to_string(), r.spec.agency);
            assert_eq!(
                cell_date(det.get_value((4, 1)).unwrap()),
                Some(spec.period.0),
                "{}",
                path.display()
            );
            let ch = wb.worksheet_range("Chronology").unwrap();
            let heads: Vec<String> = (0..10)
                .map(|c| ch.get_value((0, c)).unwrap().to_string())
                .collect();
            assert_eq!(heads, CHRONOLOGY_HEADINGS, "{}", path.display());
            assert_eq!(ch.height(), rows.len() + 1, "{}", path.display());
            for (i, row) in rows.iter().enumerate() {
                let got = ch.get_value((i as u32 + 1, 0)).unwrap_or(&Data::Empty);
                match &row.date {
                    DateEntry::Cell(d) => {
                        assert_eq!(cell_date(got), Some(*d), "{} row {}", path.display(), i + 2)
                    }
                    DateEntry::Text(t) => {
                        assert_eq!(got.to_string(), *t, "{} row {}", path.display(), i + 2)
                    }
                    DateEntry::Blank => assert!(matches!(got, Data::Empty)),
                }
                let details = ch.get_value((i as u32 + 1, 7)).unwrap().to_string();
                assert_eq!(details, row.details);
            }
        }
        for name in ["review.toml", "notes.txt", "~$police.xlsx"] {
            assert!(dir.join(name).exists(), "{name}");
        }
    }

    /// An entry reads as a practitioner wrote it: no sentence twice, in
    /// the sample review and in a long return of every kind of agency.
    #[test]
    fn details_never_repeat_a_sentence() {
        let mut specs: Vec<ReturnSpec> = sample_review()
            .returns
            .into_iter()
            .map(|r| r.spec)
            .collect();
        specs.extend(
            AgencyKind::ALL.map(|k| ReturnSpec::new(k.default_name(), k, "R", 400, 11, period())),
        );
        for spec in &specs {
            for row in plan_rows(spec) {
                let mut seen = std::collections::HashSet::new();
                for s in row.details.split(". ") {
                    let s = s.trim().trim_end_matches('.');
                    assert!(
                        seen.insert(s),
                        "{}: {s:?} twice in {:?}",
                        spec.agency,
                        row.details
                    );
                }
            }
        }
    }

    #[test]
    fn text_dates_are_varied_uk_forms() {
        let mut rng = Rng::new(1);
        let d = ymd(2019, 3, 5);
        let forms: std::collections::BTreeSet<String> =
            (0..200).map(|_| uk_date_text(d, &mut rng)).collect();
        for f in [
            "05/03/2019",
            "5/3/19",
            "5 March 2019",
            "5th Mar 2019",
            "2019-03-05",
            "Tuesday 5 March 2019",
            "05-Mar-19",
        ] {
            assert!(forms.contains(f), "{f} missing from {forms:?}");
        }
    }
}
