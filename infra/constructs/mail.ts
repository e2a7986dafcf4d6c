/**
 * Email notifications (SES v2): a configuration set always, an identity only when the stage names
 * one (`-c sesIdentity=alerts@example.org` or a domain). Without it SES_IDENTITY is empty and the
 * deliver step sends webhooks only.
 */
import { Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as ses from "aws-cdk-lib/aws-ses";
import { Construct } from "constructs";

export class Mail extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  readonly identity?: ses.EmailIdentity;
  /** The identity's name (address or domain), "" when email is off. */
  readonly identityName: string;

  constructor(scope: Construct, id: string, props: { readonly identity?: string }) {
    super(scope, id);
    this.configurationSet = new ses.ConfigurationSet(this, "ConfigurationSet", { suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS });
    this.identityName = props.identity ?? "";
    if (props.identity) {
      this.identity = new ses.EmailIdentity(this, "Identity", {
        identity: props.identity.includes("@") ? ses.Identity.email(props.identity) : ses.Identity.domain(props.identity),
        configurationSet: this.configurationSet,
      });
    }
  }

  /** ses:SendEmail from the identity through the configuration set (SES v2 authorises both); none when email is off. */
  grantSend(grantee: iam.IGrantable): void {
    if (!this.identity) return;
    const configurationSetArn = Stack.of(this).formatArn({
      service: "ses",
      resource: "configuration-set",
      resourceName: this.configurationSet.configurationSetName,
    });
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ["ses:SendEmail"], resources: [this.identity.emailIdentityArn, configurationSetArn] }),
    );
  }
}
