-- The approval progress ledger (审批进度台账) of a key project: one row per
-- main approval the project needs before it can start, with the department
-- responsible, the progress, the problems (存在问题) and the measures taken
-- (采取措施) as their own fields, each with who wrote it last and when. The
-- ledger is what the bureau reports upward in the customary column order
-- 序号、项目名称、审批事项、责任单位、进展情况、存在问题、采取措施.
CREATE TABLE butler_ledger (
	id INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES butler_projects(id),
	approval TEXT NOT NULL,             -- 审批事项 (建筑工程施工许可证（26#厂房）)
	department TEXT NOT NULL,           -- 责任单位
	progress TEXT NOT NULL DEFAULT '',  -- 进展情况
	progress_by INTEGER REFERENCES users(id), -- who last changed progress
	progress_at INTEGER,                -- when (UTC seconds); NULL = never written
	problems TEXT NOT NULL DEFAULT '',  -- 存在问题
	problems_by INTEGER REFERENCES users(id),
	problems_at INTEGER,
	measures TEXT NOT NULL DEFAULT '',  -- 采取措施
	measures_by INTEGER REFERENCES users(id),
	measures_at INTEGER,
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (project_id, approval)
) STRICT;

-- A question handed to a department goes through the hotline's dispatch
-- (issue 8): the department is one of data/hotline_departments.tsv, by id,
-- and the question points at the appeal created for it (channel 'butler').
-- Whether it is answered is read from the appeal (status replied or
-- closed) when the question is read. Rows from before keep their free-text
-- department and their own answer.
ALTER TABLE butler_questions ADD COLUMN department_id INTEGER; -- hotline department id (data/hotline_departments.tsv); NULL = free text of old rows
ALTER TABLE butler_questions ADD COLUMN appeal_id INTEGER REFERENCES hotline_appeals(id); -- the hotline appeal carrying the hand-over; NULL = on the spot or an old row
ALTER TABLE butler_questions ADD COLUMN appeal_no TEXT NOT NULL DEFAULT ''; -- the appeal's number (RX2026000012) the enterprise can quote
CREATE INDEX butler_questions_appeal ON butler_questions(appeal_id);

-- Photos of a site visit (JPEG or PNG, the type read from the bytes). The
-- bytes live in the content-addressed store the fund's attachments use
-- (attachment_blobs and <database directory>/attachments/<2 hex>/<hash>),
-- so a photo filed twice is stored once.
CREATE TABLE butler_visit_photos (
	id INTEGER PRIMARY KEY,
	visit_id INTEGER NOT NULL REFERENCES butler_visits(id),
	hash TEXT NOT NULL REFERENCES attachment_blobs(hash), -- hex BLAKE2b-256 of the bytes
	filename TEXT NOT NULL,             -- as uploaded, shown and sent back
	uploaded_by INTEGER REFERENCES users(id),
	uploaded_at INTEGER NOT NULL,
	UNIQUE (visit_id, hash)
) STRICT;
CREATE INDEX butler_visit_photos_visit ON butler_visit_photos(visit_id);

-- The procedure catalogue moves into the database so the bureau can edit it
-- (issue 8): added, edited and retired procedures, each change a new
-- version kept in butler_catalog_history and audited. Seeded below from
-- data/butler_procedures.tsv as it stands at this migration; the data file
-- stays the cited source of the seed. Checklist rows keep their code, so a
-- project's checklist keeps its items whatever later happens to the
-- catalogue; new checklists and 一次性告知书 read the current catalogue.
CREATE TABLE butler_catalog (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,          -- stable code checklist rows refer to
	position INTEGER NOT NULL,          -- order within the catalogue
	version INTEGER NOT NULL,           -- current version, 1 = as seeded or created
	stage TEXT NOT NULL CHECK (stage IN ('land', 'engineering', 'construction', 'acceptance')),
	name TEXT NOT NULL,
	department TEXT NOT NULL,           -- issuing department
	workdays INTEGER NOT NULL CHECK (workdays > 0), -- legal or promised time limit, working days
	per_building INTEGER NOT NULL,      -- 1 = done for each building (施工许可证)
	materials TEXT NOT NULL,            -- required materials, "|"-separated
	flow TEXT NOT NULL,                 -- flow steps, "|"-separated
	source TEXT NOT NULL CHECK (source <> ''), -- the rule or guide cited (required)
	check_note TEXT NOT NULL,           -- what is not yet confirmed locally (待确认)
	retired INTEGER NOT NULL DEFAULT 0, -- 1 = no longer given to new checklists
	updated_by INTEGER REFERENCES users(id),
	updated_at INTEGER NOT NULL
) STRICT;

-- Every version of every procedure, as it was after the change.
CREATE TABLE butler_catalog_history (
	id INTEGER PRIMARY KEY,
	catalog_id INTEGER NOT NULL REFERENCES butler_catalog(id),
	version INTEGER NOT NULL,
	action TEXT NOT NULL CHECK (action IN ('seed', 'create', 'update', 'retire', 'restore')),
	stage TEXT NOT NULL,
	name TEXT NOT NULL,
	department TEXT NOT NULL,
	workdays INTEGER NOT NULL,
	per_building INTEGER NOT NULL,
	materials TEXT NOT NULL,
	flow TEXT NOT NULL,
	source TEXT NOT NULL,
	check_note TEXT NOT NULL,
	retired INTEGER NOT NULL,
	changed_by INTEGER REFERENCES users(id), -- NULL = the seed
	changed_at INTEGER NOT NULL,
	UNIQUE (catalog_id, version)
) STRICT;
-- seed: data/butler_procedures.tsv
INSERT INTO butler_catalog (id, code, position, version, stage, name, department, workdays, per_building,
	materials, flow, source, check_note, retired, updated_by, updated_at) VALUES
	(1, 'project_filing', 10, 1, 'land', '项目立项（审批、核准或备案）', '发展改革部门（山亭区由行政审批服务局承接，待确认）', 20, 0, '项目单位营业执照或统一社会信用代码证明|项目申请报告（核准类）或项目备案信息表（备案类）|项目单位对备案信息真实性的承诺|规划选址或用地预审意见（核准类，待确认）', '在线平台填报（投资项目在线审批监管平台）|窗口受理|审查（核准类组织评估）|出具核准文件或备案证明', '《企业投资项目核准和备案管理条例》（国务院令第673号）：核准机关自受理之日起20个工作日内作出决定；备案信息齐全的当场备案', '时限按核准类；备案类当场办理；山东省本地材料清单待确认', 0, NULL, 1709251200),
	(2, 'land_preexam', 20, 1, 'land', '用地预审与选址意见书', '自然资源主管部门', 20, 0, '建设项目用地预审与选址申请表|建设项目拟选位置及用地范围示意图（勘测定界图）|项目建议书或项目可行性研究报告（或备案文件）|占用永久基本农田的论证材料（如涉及）', '申请|受理|审查（涉及规划选址的一并审查）|核发用地预审与选址意见书', '《自然资源部关于以“多规合一”为基础推进规划用地“多审合一、多证合一”改革的通知》（自然资规〔2019〕2号）；《建设项目用地预审管理办法》（国土资源部令第68号）', '时限及材料清单为一般规定，山东省、枣庄市承诺时限待确认', 0, NULL, 1709251200),
	(3, 'land_planning_permit', 30, 1, 'land', '建设用地规划许可证', '自然资源主管部门', 20, 0, '建设用地规划许可申请表|国有土地使用权出让合同或划拨决定书|建设项目用地预审与选址意见书（划拨类）|规划条件|用地红线图', '申请|受理|审查|核发建设用地规划许可证', '《中华人民共和国城乡规划法》第三十七条、第三十八条；自然资规〔2019〕2号（合并核发用地批准书）', '时限为待确认的一般承诺时限，以本地办事指南为准', 0, NULL, 1709251200),
	(4, 'land_title', 40, 1, 'land', '不动产权证书（国有建设用地使用权首次登记）', '自然资源主管部门（不动产登记机构）', 5, 0, '不动产登记申请书|申请人身份证明（营业执照）|国有建设用地使用权出让合同或划拨决定书|土地出让价款及相关税费缴纳凭证|不动产权籍调查成果（宗地图、界址点坐标）', '申请|受理|审核|登簿|缴费领证', '《不动产登记暂行条例》第二十条（30个工作日）；《国务院办公厅关于压缩不动产登记办理时间的通知》（国办发〔2019〕8号：一般登记5个工作日内）', '本地承诺时限待确认', 0, NULL, 1709251200),
	(5, 'planning_permit', 50, 1, 'engineering', '建设工程规划许可证', '自然资源主管部门', 20, 0, '建设工程规划许可申请表|不动产权证书或其他土地权属证明|建设工程设计方案（总平面图、建筑单体平立剖面图）|建设用地规划许可证|法律法规规定的其他材料（待确认）', '申请|受理|设计方案审查（批前公示，如需）|核发建设工程规划许可证', '《中华人民共和国城乡规划法》第四十条；国办发〔2019〕11号（工程建设许可阶段）', '本地承诺时限和材料清单待确认', 0, NULL, 1709251200),
	(6, 'drawing_review', 60, 1, 'engineering', '施工图设计文件审查', '住房城乡建设主管部门（审查机构）', 10, 0, '施工图设计文件（建筑、结构、给排水、暖通、电气等全套）|勘察成果文件|设计单位资质证明及注册执业人员签章|建设工程规划许可证|消防设计审查所需材料（特殊建设工程，待确认）', '提交施工图联合审查系统|技术审查|修改回复|出具审查合格书', '《房屋建筑和市政基础设施工程施工图设计文件审查管理办法》（住房和城乡建设部令第13号，2018年修正）第十一条：一级以上建筑工程不超过20个工作日，二级及以下不超过10个工作日', '山东省推行施工图联合审查、部分项目告知承诺或取消审查，适用范围待确认', 0, NULL, 1709251200),
	(7, 'construction_permit', 70, 1, 'construction', '建筑工程施工许可证', '住房城乡建设主管部门（山亭区由行政审批服务局承接，待确认）', 7, 1, '建筑工程施工许可证申请表|建设工程用地批准手续（不动产权证书）|建设工程规划许可证|施工图设计文件审查合格书（或告知承诺）|施工企业中标通知书或直接发包批准手续及施工合同|施工企业安全生产许可证及质量安全保障措施|建设资金已经落实承诺书', '申请|受理|审查|核发施工许可证（每个单体或标段分别办理）', '《建筑工程施工许可管理办法》（住房和城乡建设部令第18号，2021年修正）第四条（申请条件）、第五条（自收到申请之日起7日内颁发）、第二条（30万元或300平方米以下可以不申请，见 data/butler_rules.tsv）', '第五条为“7日”，此处按7个工作日计并待确认；山东省是否调整限额待确认', 0, NULL, 1709251200),
	(8, 'joint_acceptance', 80, 1, 'acceptance', '联合竣工验收', '住房城乡建设主管部门牵头，规划、消防、人防、档案等部门参加', 10, 0, '联合竣工验收申请表|工程竣工验收报告|规划、消防、人防等专项验收所需材料（按本地清单，待确认）|施工单位工程竣工报告|监理单位工程质量评估报告|勘察、设计单位质量检查报告', '申请|受理|联合现场验收|限时出具联合验收意见', '国办发〔2019〕11号：实行规划、土地、消防、人防、档案等事项限时联合验收，统一竣工验收图纸和验收标准，统一出具验收意见', '联合验收承诺时限和参加部门以本地办事指南为准（待确认）', 0, NULL, 1709251200),
	(9, 'completion_filing', 90, 1, 'acceptance', '竣工验收备案', '住房城乡建设主管部门', 5, 0, '工程竣工验收备案表|工程竣工验收报告|规划、消防等部门出具的认可文件或准许使用文件|施工单位签署的工程质量保修书|住宅工程的《住宅质量保证书》和《住宅使用说明书》（如适用）', '竣工验收合格之日起15日内提交|备案机关核对|出具备案证明', '《房屋建筑和市政基础设施工程竣工验收备案管理办法》（住房和城乡建设部令第2号，2009年修正）第四条：竣工验收合格之日起15日内备案', '备案机关办理时限待确认', 0, NULL, 1709251200);
INSERT INTO butler_catalog_history (catalog_id, version, action, stage, name, department, workdays, per_building,
	materials, flow, source, check_note, retired, changed_by, changed_at)
	SELECT id, version, 'seed', stage, name, department, workdays, per_building, materials, flow, source, check_note,
	retired, NULL, updated_at FROM butler_catalog ORDER BY id;
