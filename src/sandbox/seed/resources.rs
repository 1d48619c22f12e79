//! Realistic AWS resources for generated findings. Names come from small per-account pools
//! so the same instance, bucket or role shows up in several findings, as in a real account.

use serde_json::{Value, json};

use super::generate::{Ctx, ts};
use super::rng::{Rng, mix};

const TEAMS: &[&str] = &[
    "payments",
    "checkout",
    "analytics",
    "data-lake",
    "ml-training",
    "web",
    "api",
    "batch",
    "reporting",
    "identity",
    "billing",
    "logs",
    "ci",
    "search",
    "backup",
    "media",
];
const ENVS: &[&str] = &["prod", "prod", "staging", "dev", "sandbox"];
const PEOPLE: &[&str] = &[
    "alice.martin",
    "bob.nguyen",
    "carol.diaz",
    "dave.okafor",
    "erin.kowalski",
    "frank.li",
    "grace.hopper-ops",
    "heidi.schmidt",
    "ivan.petrov",
    "judy.tanaka",
    "deploy-bot",
    "terraform-ci",
    "backup-svc",
    "legacy-admin",
];
const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A stable pseudo-random number for (account, kind, slot): the same slot in the same
/// account always names the same resource.
fn stable(account: &str, kind: u64, slot: u64) -> u64 {
    let acct = account.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    mix(acct ^ mix(kind.wrapping_mul(31).wrapping_add(slot)))
}

/// `len` hex digits that depend only on `parts`: stable ids such as a GuardDuty detector.
pub fn stable_hex(parts: &[&str], len: usize) -> String {
    let h = parts.iter().fold(0u64, |h, p| stable(p, h, 0));
    let mut rng = Rng::new(h);
    rng.hex(len)
}

fn hex_of(mut n: u64, len: usize) -> String {
    let mut s = String::with_capacity(len);
    for _ in 0..len {
        s.push(char::from_digit((n & 0xF) as u32, 16).unwrap_or('0'));
        n = n.rotate_right(4) ^ 0x5bd1_e995;
    }
    s
}

fn team_env(account: &str, kind: u64, slot: u64) -> (&'static str, &'static str) {
    let h = stable(account, kind, slot);
    (
        TEAMS[(h % TEAMS.len() as u64) as usize],
        ENVS[((h >> 16) % ENVS.len() as u64) as usize],
    )
}

fn base(ty: &str, id: String, ctx: &Ctx) -> Value {
    json!({"Type": ty, "Id": id, "Partition": "aws", "Region": ctx.region})
}

fn with(mut resource: Value, key: &str, value: Value) -> Value {
    if let Value::Object(map) = &mut resource {
        map.insert(key.to_string(), value);
    }
    resource
}

pub struct Named {
    pub resource: Value,
    /// The short name people use (instance id, bucket name, user name...).
    pub name: String,
    pub arn: String,
}

pub fn ec2_instance(ctx: &mut Ctx) -> Named {
    let slot = ctx.rng.below(40);
    let h = stable(ctx.account, 1, slot);
    let id = format!("i-0{}", hex_of(h, 16));
    let (team, env) = team_env(ctx.account, 1, slot);
    let arn = format!("arn:aws:ec2:{}:{}:instance/{id}", ctx.region, ctx.account);
    let ip = format!(
        "10.{}.{}.{}",
        (h >> 8) % 32,
        (h >> 16) % 255,
        4 + (h >> 24) % 250
    );
    let kind = [
        "t3.medium",
        "m5.large",
        "c6i.xlarge",
        "r6g.large",
        "t3.micro",
    ][(h % 5) as usize];
    let resource = with(
        base("AwsEc2Instance", arn.clone(), ctx),
        "Details",
        json!({"AwsEc2Instance": {
            "Type": kind,
            "ImageId": format!("ami-0{}", hex_of(h >> 3, 16)),
            "IpV4Addresses": [ip],
            "KeyName": format!("{team}-{env}"),
            "IamInstanceProfileArn": format!("arn:aws:iam::{}:instance-profile/{team}-{env}-ec2", ctx.account),
            "VpcId": format!("vpc-0{}", hex_of(stable(ctx.account, 9, 0), 16)),
            "SubnetId": format!("subnet-0{}", hex_of(stable(ctx.account, 10, slot % 6), 16)),
            "LaunchedAt": ts(ctx.created - time::Duration::days(30 + (h % 300) as i64)),
        }}),
    );
    let resource = with(
        resource,
        "Tags",
        json!({"Name": format!("{team}-{env}-{}", slot), "team": team, "env": env}),
    );
    Named {
        resource,
        name: id,
        arn,
    }
}

pub fn s3_bucket(ctx: &mut Ctx) -> Named {
    let slot = ctx.rng.below(30);
    let (team, env) = team_env(ctx.account, 2, slot);
    let purpose =
        ["assets", "exports", "raw", "archive", "uploads", "reports"][(slot % 6) as usize];
    let name = format!(
        "{team}-{env}-{purpose}-{}",
        &ctx.account[ctx.account.len().saturating_sub(4)..]
    );
    let arn = format!("arn:aws:s3:::{name}");
    let resource = with(
        base("AwsS3Bucket", arn.clone(), ctx),
        "Details",
        json!({"AwsS3Bucket": {
            "OwnerId": hex_of(stable(ctx.account, 3, 0), 64),
            "OwnerAccountId": ctx.account,
            "CreatedAt": ts(ctx.created - time::Duration::days(200)),
            "Name": name,
        }}),
    );
    Named {
        resource,
        name,
        arn,
    }
}

pub fn iam_role(ctx: &mut Ctx) -> Named {
    let slot = ctx.rng.below(25);
    let (team, env) = team_env(ctx.account, 4, slot);
    let name = match slot % 5 {
        0 => format!("{team}-{env}-lambda-exec"),
        1 => format!("{team}-{env}-ec2"),
        2 => "OrganizationAccountAccessRole".to_string(),
        3 => format!("{team}-ci-deploy"),
        _ => format!("{team}-readonly-crossaccount"),
    };
    let arn = format!("arn:aws:iam::{}:role/{name}", ctx.account);
    let role_id = format!("AROA{}", chars_of(stable(ctx.account, 4, slot), 17));
    let resource = with(
        base("AwsIamRole", arn.clone(), ctx),
        "Details",
        json!({"AwsIamRole": {"RoleName": name, "RoleId": role_id, "Path": "/", "MaxSessionDuration": 3600,
            "CreateDate": ts(ctx.created - time::Duration::days(400))}}),
    );
    Named {
        resource,
        name,
        arn,
    }
}

pub fn iam_user(ctx: &mut Ctx) -> Named {
    let slot = ctx.rng.below(PEOPLE.len() as u64);
    let name = PEOPLE[slot as usize].to_string();
    let arn = format!("arn:aws:iam::{}:user/{name}", ctx.account);
    let resource = with(
        base("AwsIamUser", arn.clone(), ctx),
        "Details",
        json!({"AwsIamUser": {"UserName": name, "UserId": format!("AIDA{}", chars_of(stable(ctx.account, 5, slot), 17)),
            "Path": "/", "CreateDate": ts(ctx.created - time::Duration::days(500))}}),
    );
    Named {
        resource,
        name,
        arn,
    }
}

pub fn access_key(ctx: &mut Ctx) -> Named {
    let user = iam_user(ctx);
    let h = stable(ctx.account, 6, user.name.len() as u64 + ctx.rng.below(2));
    // Keys end in EXAMPLE, as AWS documentation keys do, so no scanner mistakes them.
    let key = format!("AKIA{}EXAMPLE", chars_of(h, 9));
    let resource = with(
        base("AwsIamAccessKey", key.clone(), ctx),
        "Details",
        json!({"AwsIamAccessKey": {"PrincipalName": user.name, "PrincipalType": "IAMUser", "Status": "Active",
            "AccessKeyId": key, "AccountId": ctx.account, "CreatedAt": ts(ctx.created - time::Duration::days(120))}}),
    );
    Named {
        resource,
        name: user.name,
        arn: key,
    }
}

pub fn lambda(ctx: &mut Ctx) -> Named {
    let slot = ctx.rng.below(20);
    let (team, env) = team_env(ctx.account, 7, slot);
    let verb = [
        "ingest",
        "resize",
        "notify",
        "rotate-keys",
        "export",
        "webhook",
    ][(slot % 6) as usize];
    let name = format!("{team}-{env}-{verb}");
    let arn = format!(
        "arn:aws:lambda:{}:{}:function:{name}",
        ctx.region, ctx.account
    );
    let runtime = [
        "python3.12",
        "nodejs20.x",
        "python3.8",
        "nodejs16.x",
        "java17",
        "go1.x",
    ][(stable(ctx.account, 7, slot) % 6) as usize];
    let resource = with(
        base("AwsLambdaFunction", arn.clone(), ctx),
        "Details",
        json!({"AwsLambdaFunction": {"FunctionName": name, "Runtime": runtime, "Handler": "app.handler",
            "MemorySize": 256, "Timeout": 30, "Version": "$LATEST",
            "Role": format!("arn:aws:iam::{}:role/{team}-{env}-lambda-exec", ctx.account),
            "LastModified": ts(ctx.created)}}),
    );
    Named {
        resource,
        name,
        arn,
    }
}

pub fn rds_instance(ctx: &mut Ctx) -> Named {
    let slot = ctx.rng.below(10);
    let (team, env) = team_env(ctx.account, 8, slot);
    let name = format!("{team}-{env}-db");
    let arn = format!("arn:aws:rds:{}:{}:db:{name}", ctx.region, ctx.account);
    let (engine, version) = [
        ("postgres", "15.4"),
        ("mysql", "8.0.35"),
        ("aurora-postgresql", "14.9"),
    ][(slot % 3) as usize];
    let resource = with(
        base("AwsRdsDbInstance", arn.clone(), ctx),
        "Details",
        json!({"AwsRdsDbInstance": {"DBInstanceIdentifier": name, "DBInstanceClass": "db.r6g.large",
            "Engine": engine, "EngineVersion": version, "DbInstancePort": 5432,
            "PubliclyAccessible": slot.is_multiple_of(4), "StorageEncrypted": !slot.is_multiple_of(3), "MultiAz": env == "prod"}}),
    );
    Named {
        resource,
        name,
        arn,
    }
}

pub fn ecr_image(ctx: &mut Ctx) -> Named {
    let slot = ctx.rng.below(18);
    let (team, _) = team_env(ctx.account, 11, slot);
    let repo = format!(
        "{team}/{}",
        ["api", "worker", "frontend"][(slot % 3) as usize]
    );
    let digest = format!("sha256:{}", hex_of(stable(ctx.account, 11, slot), 64));
    let arn = format!(
        "arn:aws:ecr:{}:{}:repository/{repo}/{digest}",
        ctx.region, ctx.account
    );
    let tag = format!("v1.{}.{}", slot % 7, stable(ctx.account, 12, slot) % 20);
    let resource = with(
        base("AwsEcrContainerImage", arn.clone(), ctx),
        "Details",
        json!({"AwsEcrContainerImage": {"RegistryId": ctx.account, "RepositoryName": repo, "Architecture": "amd64",
            "ImageDigest": digest, "ImageTags": [tag], "ImagePublishedAt": ts(ctx.created - time::Duration::days(3))}}),
    );
    Named {
        resource,
        name: format!("{repo}:{tag}"),
        arn,
    }
}

pub fn security_group(ctx: &mut Ctx, port: u16) -> Named {
    let slot = ctx.rng.below(15);
    let (team, env) = team_env(ctx.account, 13, slot);
    let id = format!("sg-0{}", hex_of(stable(ctx.account, 13, slot), 16));
    let name = if slot == 0 {
        "default".to_string()
    } else {
        format!("{team}-{env}-sg")
    };
    let arn = format!(
        "arn:aws:ec2:{}:{}:security-group/{id}",
        ctx.region, ctx.account
    );
    let resource = with(
        base("AwsEc2SecurityGroup", arn.clone(), ctx),
        "Details",
        json!({"AwsEc2SecurityGroup": {"GroupName": name, "GroupId": id, "OwnerId": ctx.account,
            "VpcId": format!("vpc-0{}", hex_of(stable(ctx.account, 9, 0), 16)),
            "IpPermissions": [{"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}}),
    );
    Named {
        resource,
        name: id,
        arn,
    }
}

pub fn kms_key(ctx: &mut Ctx) -> Named {
    let slot = ctx.rng.below(8);
    let h = stable(ctx.account, 14, slot);
    let key_id = format!(
        "{}-{}-4{}-a{}-{}",
        hex_of(h, 8),
        hex_of(h >> 7, 4),
        hex_of(h >> 11, 3),
        hex_of(h >> 13, 3),
        hex_of(h >> 17, 12)
    );
    let arn = format!("arn:aws:kms:{}:{}:key/{key_id}", ctx.region, ctx.account);
    let resource = with(
        base("AwsKmsKey", arn.clone(), ctx),
        "Details",
        json!({"AwsKmsKey": {"KeyId": key_id, "KeyManager": "CUSTOMER", "KeyState": "Enabled", "Origin": "AWS_KMS",
            "AWSAccountId": ctx.account, "KeyRotationStatus": false}}),
    );
    Named {
        resource,
        name: key_id,
        arn,
    }
}

pub fn account(ctx: &mut Ctx) -> Named {
    let arn = format!("AWS::::Account:{}", ctx.account);
    Named {
        resource: base("AwsAccount", arn.clone(), ctx),
        name: ctx.account.to_string(),
        arn,
    }
}

pub fn iot_policy(ctx: &mut Ctx) -> Named {
    let slot = ctx.rng.below(8);
    let name = [
        "fleet-telemetry",
        "sensor-default",
        "gateway-admin",
        "factory-provisioning",
    ][(slot % 4) as usize]
        .to_string();
    let version = 1 + slot / 4;
    let resource = with(
        base("AwsIotPolicy", name.clone(), ctx),
        "Details",
        json!({"Other": {"PolicyVersionId": version.to_string()}}),
    );
    let arn = format!("arn:aws:iot:{}:{}:policy/{name}", ctx.region, ctx.account);
    Named {
        resource,
        name,
        arn,
    }
}

pub fn container(rng: &mut Rng, image: &str) -> Value {
    json!({"Type": "Container", "Id": image, "Partition": "aws",
        "Details": {"Container": {"ImageName": image, "ImageId": format!("sha256:{}", rng.hex(64))}}})
}

fn chars_of(seed: u64, len: usize) -> String {
    Rng::new(seed).chars(UPPER_ALNUM, len)
}
