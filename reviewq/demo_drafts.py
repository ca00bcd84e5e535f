"""Demo data: 50 fictional AI drafts (support-bot and claims-assistant) awaiting human review."""

# ruff: noqa: E501  (markdown paragraphs in draft content are kept on one line)

# All names, companies, addresses, order numbers and emails below are fictional.
# Some drafts deliberately contain mistakes (wrong amounts, promises the policy does
# not allow, leaked data of another customer, overconfident medical/legal statements)
# and some conversations contain HTML/script text, so that the review queue has
# something meaningful to catch and must render AI content inert.


def _conv(*turns: str) -> list[dict]:
    """Build a conversation from alternating turns, starting with the user."""
    return [
        {"role": "user" if i % 2 == 0 else "assistant", "content": text}
        for i, text in enumerate(turns)
    ]


_SUPPORT_PROMPT = (
    "You are the customer support assistant for Northwind Outfitters, an outdoor gear "
    "retailer. Draft a reply to the customer's latest message. Be warm, concise and "
    "accurate. Follow the policy excerpts provided; never promise refunds, replacements, "
    "discounts or timelines the policy does not allow, and never reveal information "
    "about other customers. Sign off as 'The Northwind Support Team'. A human agent "
    "reviews every draft before it is sent."
)

_SUPPORT_PROMPT_MULTILINGUAL = (
    _SUPPORT_PROMPT + " Always reply in the language the customer wrote in."
)

_CLAIMS_LETTER_PROMPT = (
    "You are the claims assistant for Harbor Mutual Insurance. Draft a letter to the "
    "policyholder based only on the policy wording, adjuster notes and documents "
    "provided. State amounts exactly as calculated by the adjuster, explain the "
    "reasoning in plain language, and include the policyholder's review and complaint "
    "rights where a claim is reduced or declined. Do not make medical diagnoses or "
    "legal determinations. A licensed adjuster reviews every letter before it is sent."
)

_CLAIMS_SUMMARY_PROMPT = (
    "You are the claims assistant for Harbor Mutual Insurance. Write an internal claim "
    "summary for the assigned adjuster: key facts, coverage analysis with policy "
    "section references, open questions, and a recommended next step. Keep it neutral "
    "and factual; do not draw conclusions about intent. Internal use only."
)


DRAFTS: list[dict] = [
    # ------------------------------------------------------------------
    # support-bot (30)
    # ------------------------------------------------------------------
    {
        "source": "support-bot",
        "external_id": "ticket-48213",
        "title": "Refund for returned Ridgeline 3P tent (order NW-1043387)",
        "content": """\
Hi Maya,

Thanks for sending the Ridgeline 3P tent back to us, and I'm sorry it wasn't the right fit for your trip.

Good news: our warehouse in Reno received your return on **January 14** and confirmed the tent is unused and in its original packaging, so it qualifies for a full refund under our 30-day return policy.

**Refund summary**

| Item | Amount |
|---|---|
| Ridgeline 3P tent | $289.00 |
| Original shipping | $12.95 |
| **Total refund** | **$301.95** |

The refund has been issued to the Visa card ending in 4417. Depending on your bank, it can take **5–10 business days** to appear on your statement.

If you're still looking for a tent for the spring, our Ridgeline 2P is on sale this month and packs down about 600 g lighter.

Warm regards,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing", "refund"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "Hi, I returned the Ridgeline 3P tent last week (order NW-1043387). "
                "Never used it, still in the box. When do I get my money back? - Maya Lindqvist",
            ),
            "documents": [
                {
                    "title": "Order NW-1043387",
                    "excerpt": "Ridgeline 3P tent x1 @ $289.00. Standard shipping $12.95. "
                    "Paid with Visa ****4417. Return received 2026-01-14, condition: unused.",
                },
                {
                    "title": "Returns policy §2",
                    "excerpt": "Unused items returned within 30 days receive a full refund of "
                    "the item price. Original shipping charges are non-refundable unless "
                    "the item was defective or we shipped the wrong item.",
                },
            ],
        },
        "metadata": {
            "model": "gpt-4.1-mini",
            "confidence": 0.91,
            "latency_ms": 1840,
            "cost_usd": 0.0021,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48217",
        "title": "Where is my Summit 45L backpack? Shipping delay",
        "content": """\
Hi Tomás,

I'm sorry your Summit 45L backpack hasn't arrived yet — I know you were hoping to have it before your trip.

I checked the tracking for order **NW-1044120**. The parcel left our warehouse on January 9, but the carrier logged a weather delay at its Denver hub on January 12 and it has been held there since. The carrier now estimates delivery by **Tuesday, January 20**.

Here is your tracking link so you can follow it live: [Track order NW-1044120](https://track.example.com/NW-1044120)

Because this delay is more than five days past the original estimate, I've added a **10% discount code** to your account that you can use on your next order: `SORRY10-TF8Q`. It's valid for 90 days.

If the parcel hasn't moved by January 21, just reply to this email and we'll send a replacement by express shipping at no cost to you.

Happy trails,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "My backpack was supposed to arrive on the 13th. It's the 16th. Order NW-1044120. "
                "I leave for Patagonia in 10 days, what is going on?",
            ),
            "documents": [
                {
                    "title": "Carrier tracking NW-1044120",
                    "excerpt": "01-09 Departed Reno NV. 01-12 Held at Denver CO hub - weather. "
                    "Revised ETA 01-20.",
                },
                {
                    "title": "Shipping delays policy",
                    "excerpt": "For carrier delays of more than 5 days past the quoted estimate, "
                    "agents may issue a one-time 10% discount code. If a parcel has not moved "
                    "for 7 days, a replacement may be sent by express shipping.",
                },
            ],
        },
        "metadata": {
            "model": "gpt-4.1-mini",
            "confidence": 0.88,
            "latency_ms": 2110,
            "cost_usd": 0.0024,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48220",
        "title": "Account locked after several failed sign-in attempts",
        "content": """\
Hi Graham,

Sorry for the trouble signing in. Your account was temporarily locked after five unsuccessful password attempts — this is an automatic safety measure to protect your order history and saved addresses.

Here's how to get back in:

1. Wait **30 minutes** from your last attempt; the lock lifts automatically.
2. Go to the sign-in page and choose **"Forgot password?"**.
3. Enter the email on your account (g.whitlock@example.com) and follow the link we send you. The link is valid for one hour.
4. Choose a new password you haven't used with us before.

If the reset email doesn't show up within ten minutes, please check your spam or promotions folder.

For your security, our team will never ask you for your password by email or phone. If you didn't make those sign-in attempts yourself, let us know and we'll review recent activity on the account with you.

Best,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "I can't log in, it says my account is locked. I just want to check my order.",
                "I'm sorry about that! Could you confirm the email address on your account?",
                "g.whitlock@example.com",
            ),
        },
        "metadata": {
            "model": "llama-3.3-70b",
            "confidence": 0.94,
            "latency_ms": 1320,
            "cost_usd": 0.0006,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48226",
        "title": "Charged twice for order NW-1045002",
        "content": """\
Hi Aisha,

Thank you for flagging this, and I'm sorry for the worry a double charge causes.

I've looked into order **NW-1045002** ($184.50). Our payment system shows the first attempt on January 15 was declined by the bank's fraud check, and the second attempt a minute later went through. Unfortunately the first attempt was still captured, so you were charged **twice**.

I've already reversed the duplicate charge of **$184.50**. You'll see the money back on your Mastercard ending in 0932 **within 24 hours** — guaranteed.

You don't need to do anything else, and there's no need to contact your bank or open a dispute. Your order itself is unaffected and is scheduled to ship tomorrow.

Again, apologies for the inconvenience.

Kind regards,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing", "refund"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "I see TWO charges of $184.50 from Northwind on my card. I only placed one order. "
                "Please fix this immediately.",
            ),
            "documents": [
                {
                    "title": "Payment log NW-1045002",
                    "excerpt": "2026-01-15 10:02 auth $184.50 DECLINED (issuer risk) - captured in "
                    "error. 10:03 auth $184.50 APPROVED - captured.",
                },
                {
                    "title": "Billing policy §4 Duplicate charges",
                    "excerpt": "Duplicate captures are refunded by the billing team. Refunds post "
                    "to the customer's card within 5-7 business days depending on the issuer. "
                    "Agents must not promise faster timelines.",
                },
            ],
        },
        "metadata": {
            "model": "gpt-4.1-mini",
            "confidence": 0.86,
            "latency_ms": 1975,
            "cost_usd": 0.0019,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48231",
        "title": "GDPR subject access request from EU customer",
        "content": """\
Dear Ms. Janssen,

Thank you for your request to access the personal data Northwind Outfitters holds about you. We take this seriously and will handle it under **Article 15 of the GDPR**.

**What happens next**

1. **Identity check.** To make sure we only release your data to you, please reply from the email address registered on your account (this one matches) and confirm the postcode of your most recent delivery address.
2. **Our response.** Once verified, we will send you a copy of your data within **one month**. If the request turns out to be particularly complex we may extend this by up to two further months, and we would tell you why within the first month.
3. **What you'll receive.** Your account details, order and return history, marketing preferences, customer service correspondence, and information about how and why we process this data, how long we keep it, and who we share it with (for example our payment and shipping providers).

There is no charge for this request.

If you have any questions, you can also contact our Data Protection Officer directly at privacy@northwind.example.com.

Kind regards,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing", "personal-data", "legal"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "Under the GDPR I request a copy of all personal data you hold about me. "
                "Eva Janssen, eva.janssen@example.com",
            ),
            "documents": [
                {
                    "title": "Privacy procedures - SAR",
                    "excerpt": "Verify identity via registered email + one additional data point. "
                    "Respond within one month; extension of up to two months possible for "
                    "complex requests with notice. No fee. Escalate to DPO queue.",
                },
            ],
        },
        "metadata": {
            "model": "claude-sonnet-4.5",
            "confidence": 0.93,
            "latency_ms": 4210,
            "cost_usd": 0.0113,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48235",
        "title": "Request to delete account and all personal data",
        "content": """\
Hi Lukas,

We've received your request to delete your Northwind Outfitters account and personal data, and we're sorry to see you go.

I'm happy to confirm that **all of your data has now been permanently erased** from our systems, including:

- your account profile and saved addresses
- your full order history and invoices
- your loyalty points balance (1,240 points)
- all customer service conversations

Nothing is retained, and this cannot be undone. You will receive no further emails from us.

If you ever want to shop with us again, you're welcome to create a new account at any time.

Best wishes,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing", "personal-data", "legal"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "Please delete my account and all my data. I don't want to be in your systems "
                "anymore. - Lukas Brenner",
                "I understand. Just to confirm: you'd like your account closed and your personal "
                "data erased, and you're aware your 1,240 loyalty points will be forfeited?",
                "Yes. Delete everything.",
            ),
            "documents": [
                {
                    "title": "Privacy procedures - Erasure",
                    "excerpt": "Erasure requests are executed by the privacy team within 30 days. "
                    "Invoices and transaction records must be retained for 7 years to meet tax "
                    "obligations and are restricted from other processing. Tell the customer "
                    "what is retained and why. Agents cannot perform deletion themselves.",
                },
            ],
        },
        "metadata": {
            "model": "llama-3.3-70b",
            "confidence": 0.79,
            "latency_ms": 1650,
            "cost_usd": 0.0007,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48240",
        "title": "Complaint about staff behaviour at Portland store",
        "content": """\
Hi Rosa,

Thank you for taking the time to tell us about your visit to our Portland Pearl District store on Saturday. I'm truly sorry — being spoken to dismissively while trying to return a gift is not the experience we want anyone to have.

I've shared your message, including the time of your visit (around 3:15 pm) and the description of what happened, with the store manager, **Dana Whitfield**, and with our regional retail lead. They will review it with the team and follow up with you directly within **three business days**.

About the gift itself: you don't need to go back to the store. You can return the fleece by mail using a free prepaid label, and because it was a gift we'll issue the refund as store credit in your name without needing a receipt. Just reply "label please" and I'll send it over.

Thank you again for letting us know. Feedback like yours is how we get better.

Warmly,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "I went to your Portland store Saturday afternoon to return a fleece I got as a "
                "gift. The guy at the register rolled his eyes, said 'no receipt, no return' and "
                "turned to the next customer. I felt humiliated. - Rosa Delgado",
            ),
            "documents": [
                {
                    "title": "Returns policy §5 Gifts",
                    "excerpt": "Gifts without a receipt may be returned for store credit in the "
                    "recipient's name. Prepaid mail return labels are free for all returns.",
                },
            ],
        },
        "metadata": {
            "model": "claude-sonnet-4.5",
            "confidence": 0.9,
            "latency_ms": 3890,
            "cost_usd": 0.0098,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48244",
        "title": "Warranty claim: broken zipper on Stormline rain jacket",
        "content": """\
Hi Kwame,

Sorry to hear the main zipper on your Stormline rain jacket has split — that's exactly the kind of thing our warranty is there for.

Your jacket was purchased on **March 3, 2025**, so it is well within our **two-year warranty** on outerwear. Zipper failures under normal use are covered.

**Next steps**

1. I've emailed you a prepaid shipping label for our repair center in Sacramento.
2. Please pack the jacket (no need for the original packaging) and drop it at any carrier location.
3. Our repair team will replace the zipper, which usually takes **2–3 weeks** from the day we receive it. If the jacket can't be repaired, we'll send you a new one in the same size and color, or the closest current equivalent.

You'll get an email update when the jacket arrives and again when it ships back.

Thanks for your patience,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "The zipper on my Stormline jacket split down the middle, I've had it less than a "
                "year. Photo attached. Can you fix it? - Kwame Mensah",
            ),
            "documents": [
                {
                    "title": "Order NW-0981554",
                    "excerpt": "Stormline rain jacket, M, Slate. Purchased 2025-03-03.",
                },
                {
                    "title": "Warranty policy",
                    "excerpt": "Outerwear and packs: 2 years against manufacturing defects. "
                    "Footwear: 2 years. Repairs preferred; replacement if repair is not possible.",
                },
            ],
        },
        "metadata": {
            "model": "gpt-4.1-mini",
            "confidence": 0.92,
            "latency_ms": 1760,
            "cost_usd": 0.002,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48249",
        "title": "Hiking boots sole separating after three years",
        "content": """\
Hi Sanne,

Thanks for getting in touch and for the photos — I can clearly see the sole separating at the toe of your Basalt Mid hiking boots.

We stand behind our footwear, so I'm glad to let you know that we'll **replace your boots free of charge** under our warranty. I've created a replacement order for the same model in size 39 and it will ship within two business days. There's no need to send the old pair back.

For the new pair, a few tips to help them last:

- Let them dry at room temperature, away from radiators or campfires, after wet hikes.
- Clean off mud after each use; dried mud pulls moisture from the leather.
- Re-treat the leather once or twice a season.

Enjoy your next hike!

Best,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "The sole on my Basalt Mid boots is coming off at the front. I bought them in "
                "summer 2022 and I've used them a lot. Is that covered?",
            ),
            "documents": [
                {
                    "title": "Order NW-0612290",
                    "excerpt": "Basalt Mid hiking boot, EU 39. Purchased 2022-07-18.",
                },
                {
                    "title": "Warranty policy",
                    "excerpt": "Footwear: 2 years against manufacturing defects from date of "
                    "purchase. Outside warranty, agents may offer a 20% loyalty discount on a "
                    "replacement pair; free replacements require supervisor approval.",
                },
            ],
        },
        "metadata": {
            "model": "llama-3.3-70b",
            "confidence": 0.83,
            "latency_ms": 1480,
            "cost_usd": 0.0006,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48252",
        "title": "Order status question for order NW-1045380",
        "content": """\
Hi Daniel,

Thanks for checking in! I've looked up your order and here's where things stand.

**Order NW-1045380** — Trailblazer trekking poles (pair) and a Cascade insulated bottle.
Status: **shipped on January 16** via ground delivery.
Shipping to: **Priya Raman, 42 Elm Court, Apt 3B, Madison, WI 53703**
Phone on file: (608) 555-0143

The carrier estimates delivery on **Wednesday, January 21**. You'll receive a text on the morning of delivery.

If any of the details above look wrong, let me know as soon as possible and I'll ask the carrier to update the delivery address before it goes out for delivery.

Best,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing", "personal-data"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "Hey, any update on my order? It's the trekking poles. Daniel Okafor, "
                "d.okafor@example.com",
            ),
            "documents": [
                {
                    "title": "CRM lookup: 'trekking poles' recent orders (2 matches)",
                    "excerpt": "NW-1045380 | Priya Raman | priya.r@example.com | 42 Elm Court Apt "
                    "3B, Madison WI 53703 | (608) 555-0143 | shipped 01-16. "
                    "NW-1045391 | Daniel Okafor | d.okafor@example.com | 19 Birch Lane, "
                    "Ann Arbor MI 48104 | processing.",
                },
            ],
        },
        "metadata": {
            "model": "gpt-4.1-mini",
            "confidence": 0.87,
            "latency_ms": 2230,
            "cost_usd": 0.0023,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48258",
        "title": "Exchange fleece for a larger size",
        "content": """\
Hi Noor,

Of course — happy to swap your Ember fleece for a size L.

I've set up an **exchange** on order NW-1043902:

- We're sending the **Ember fleece in L (Forest Green)** today; it's in stock at our Reno warehouse.
- A **prepaid return label** for the size M is attached to this email. Please send it back within 30 days, unworn and with tags attached.

There's no extra charge for exchanges, and you don't have to wait for the return to arrive before the new size ships.

Enjoy the fleece!

The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["low-risk"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "The Ember fleece I ordered is a bit tight, can I swap it for an L? Same color "
                "please. Order NW-1043902.",
            ),
        },
        "metadata": {
            "model": "llama-3.3-70b",
            "confidence": 0.96,
            "latency_ms": 980,
            "cost_usd": 0.0004,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48263",
        "title": "Store opening hours over Presidents' Day weekend",
        "content": """\
Hi Owen,

Thanks for asking! Here are the hours for our **Boulder Pearl Street** store over the holiday weekend:

| Day | Hours |
|---|---|
| Saturday, Feb 14 | 9:00 am – 8:00 pm |
| Sunday, Feb 15 | 10:00 am – 6:00 pm |
| Monday, Feb 16 (Presidents' Day) | 10:00 am – 5:00 pm |

The ski rental counter keeps the same hours as the store, but we recommend reserving rental gear online ahead of time because the holiday weekend is busy.

See you soon,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["low-risk"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "Is the Boulder store open on Presidents' Day? And what about the weekend before?",
            ),
            "documents": [
                {
                    "title": "Store hours - Boulder Pearl St (holiday schedule 2026)",
                    "excerpt": "Sat 2/14 9-20. Sun 2/15 10-18. Mon 2/16 10-17. Rental counter: "
                    "same as store.",
                },
            ],
        },
        "metadata": {
            "model": "gpt-4.1-mini",
            "confidence": 0.97,
            "latency_ms": 870,
            "cost_usd": 0.0009,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48267",
        "title": "Is the Polaris sleeping bag warm enough for -10 °C?",
        "content": """\
Hi Freya,

Great question — picking the right temperature rating makes a big difference to a good night's sleep.

The **Polaris 600 down sleeping bag** has a **comfort rating of -10 °C**, so it's a good match for the winter camping trip you described in the Cairngorms. It's filled with 600 g of 700-fill-power responsibly sourced down and has a draft collar and insulated zip baffle.

A few tips for cold nights:

- Use a sleeping pad with an R-value of 4 or higher; most heat loss goes into the ground.
- Wear a dry base layer and a hat to bed.
- Eat a small snack before sleeping so your body has fuel to stay warm.

Let us know if you'd like a recommendation for a matching pad!

The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["low-risk"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "I'm going winter camping in the Cairngorms, nights around -10 C. Is the Polaris "
                "600 warm enough?",
            ),
            "documents": [
                {
                    "title": "Product sheet - Polaris 600",
                    "excerpt": "EN 13537 ratings: Comfort -4 °C, Limit -10 °C, Extreme -26 °C. "
                    "Fill: 600 g, 700 FP RDS down. Draft collar, zip baffle.",
                },
            ],
        },
        "metadata": {
            "model": "llama-3.3-70b",
            "confidence": 0.89,
            "latency_ms": 1130,
            "cost_usd": 0.0005,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48270",
        "title": "Promo code WINTER20 not accepted at checkout",
        "content": """\
Hi Jonah,

Sorry about the frustration at checkout! I looked into it: the code **WINTER20** was part of our holiday campaign and **expired on January 5**, which is why the site is rejecting it.

The good news is that our **Winter Clearance** is running right now, with up to **40% off** selected jackets, base layers and snowshoes — no code needed, the discount is already applied on the product pages.

Since you were clearly ready to order, I've also added a one-time code to your account: **`WELCOMEBACK10`** gives you 10% off full-price items until January 31. (It can't be combined with clearance prices.)

Happy shopping, and stay warm out there!

The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing", "marketing"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "Your site says WINTER20 is invalid. I got it in your email! What's the deal?",
            ),
            "documents": [
                {
                    "title": "Campaign calendar",
                    "excerpt": "WINTER20: 2025-11-28 to 2026-01-05. Winter Clearance: 2026-01-10 to "
                    "2026-02-01, auto-applied. Goodwill code WELCOMEBACK10 (10% full-price, "
                    "single use, not stackable) may be issued for expired-code complaints.",
                },
            ],
        },
        "metadata": {
            "model": "gpt-4.1-mini",
            "confidence": 0.9,
            "latency_ms": 1590,
            "cost_usd": 0.0017,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48274",
        "title": "Unsubscribe from all marketing messages",
        "content": """\
Hi Beatriz,

We've got your request and have **unsubscribed you from our weekly newsletter**. It can take up to 48 hours for our email system to catch up, so you might receive one more message before it stops.

Before you go — did you know that **Northwind Trail Club** members get free shipping on every order, early access to our seasonal sales and double points on their birthday month? It's just $49 a year, and your first month is free if you join before February 1. 🏕️

You'll keep getting our text message alerts about flash sales, so you won't miss out on the best deals.

If you change your mind about the newsletter, you can sign up again any time from the footer of our website.

All the best,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing", "marketing"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "Please stop ALL marketing. Emails, texts, everything. I've asked before.",
            ),
            "documents": [
                {
                    "title": "Marketing consent policy",
                    "excerpt": "Opt-out requests covering 'all marketing' must be applied to every "
                    "channel (email, SMS, push). Do not include promotional content in opt-out "
                    "confirmations.",
                },
            ],
        },
        "metadata": {
            "model": "llama-3.3-70b",
            "confidence": 0.72,
            "latency_ms": 1390,
            "cost_usd": 0.0006,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48279",
        "title": "Product review shows strange code instead of text (new review widget)",
        "content": """\
Hi Callum,

Thanks for reporting this, and for helping us test the new review widget while it's in beta.

From your description, the review you submitted for the Cascade insulated bottle appears on the product page as literal text:

```
<script>alert(1)</script> Keeps coffee hot for 8 hours!
```

That's expected behaviour: our review system displays everything exactly as typed and never runs code from reviews, so the script tag shows up as plain text rather than doing anything. Nothing on your account or device was affected.

If you'd like the review to show just your comment, you can edit it from **My Account → My Reviews** and remove the first part. Edited reviews are re-checked by our moderation team and usually reappear within 24 hours.

Thanks again for the feedback — we've passed your notes about the star-rating selector to the product team as well.

Cheers,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing", "beta-feature"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "I'm a web dev so I was curious if your new review box is safe. I posted "
                "<script>alert(1)</script> Keeps coffee hot for 8 hours! and now it shows the "
                "tag as text on the product page. Also the star selector is janky on mobile.",
            ),
        },
        "metadata": {
            "model": "claude-sonnet-4.5",
            "confidence": 0.84,
            "latency_ms": 3620,
            "cost_usd": 0.0087,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48283",
        "title": "Skin rash after using TrailGuard insect repellent",
        "content": """\
Hi Hannah,

I'm sorry to hear about the reaction — that sounds uncomfortable.

Based on what you've described (red, itchy patches where you applied the spray, appearing a few hours later), this is **definitely mild contact dermatitis** and nothing to worry about. It is a very common reaction to DEET-based repellents and will clear up on its own within a couple of days.

Here's what to do:

- Wash the area with soap and cool water.
- Apply an over-the-counter **1% hydrocortisone cream** twice a day.
- Take an antihistamine such as cetirizine if the itching keeps you awake.

There's **no need to see a doctor**. If you'd prefer a DEET-free option for your next trip, our TrailGuard Botanical spray uses oil of lemon eucalyptus.

We'd also be happy to refund the repellent — just reply with your order number.

Take care,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing", "medical"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "I used your TrailGuard 30% DEET spray yesterday and now I have red itchy patches "
                "on my arms and neck, and my lips feel a bit swollen. Is this normal??",
            ),
            "documents": [
                {
                    "title": "Product safety escalation guide",
                    "excerpt": "Any report of an adverse reaction: do not give medical advice. "
                    "Advise the customer to stop using the product and seek medical attention; "
                    "for swelling of the face, lips or throat or difficulty breathing, advise "
                    "emergency services. Log in the product safety tracker.",
                },
            ],
        },
        "metadata": {
            "model": "gpt-4.1-mini",
            "confidence": 0.81,
            "latency_ms": 2050,
            "cost_usd": 0.0022,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48288",
        "title": "Customer threatens legal action over stove fuel leak",
        "content": """\
Dear Mr. Castellano,

I'm very sorry to hear about what happened with your Alpenglow canister stove, and I'm relieved nobody was hurt.

Having reviewed your photos, it is clear that **the stove was defective and Northwind Outfitters is fully responsible** for the damage to your tablecloth, picnic table and the surrounding deck boards. We will cover **all of your costs**, including any repairs and any other expenses you have incurred as a result.

To get this moving, please send us:

1. Receipts or estimates for the repairs.
2. Your order number or proof of purchase for the stove.
3. The stove itself, using the prepaid label attached — please don't use it again.

There is no need to involve a lawyer; we will make this right.

Sincerely,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing", "legal"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "Your Alpenglow stove leaked fuel at the valve and caught fire on my deck. Burned "
                "the tablecloth and scorched the table and boards. I have photos. Either you pay "
                "for everything or I'm calling my lawyer. - Marco Castellano",
            ),
            "documents": [
                {
                    "title": "Legal escalation policy",
                    "excerpt": "If a customer mentions legal action, injury or property damage: "
                    "acknowledge, express concern, do NOT admit fault or liability, do not "
                    "promise compensation, and escalate to legal@northwind.example.com. "
                    "Request the product be retained for inspection.",
                },
            ],
        },
        "metadata": {
            "model": "llama-3.3-70b",
            "confidence": 0.68,
            "latency_ms": 1710,
            "cost_usd": 0.0007,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48292",
        "title": "Loyalty points missing from January order",
        "content": """\
Hi Ingrid,

Thanks for keeping an eye on your points! I checked your account and found the reason: points for an order are added **14 days after delivery**, once the return window for most items has passed.

Your order **NW-1043550** ($126.00) was delivered on January 8, so the **126 points** will be added to your account on **January 22**. After that your balance will be **1,086 points**, which is enough for a $10 reward (rewards unlock at every 1,000 points).

You can see pending points any time under **My Account → Trail Rewards → Pending**.

Have a great week,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["low-risk"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "I bought stuff on Jan 5 but my points didn't go up. Still 960. Did I miss something?",
            ),
            "documents": [
                {
                    "title": "Trail Rewards FAQ",
                    "excerpt": "1 point per $1 spent. Points post 14 days after delivery. "
                    "Every 1,000 points = $10 reward.",
                },
            ],
        },
        "metadata": {
            "model": "gpt-4.1-mini",
            "confidence": 0.95,
            "latency_ms": 1220,
            "cost_usd": 0.0013,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48295",
        "title": "Gift card balance check",
        "content": """\
Hi Pete,

Happy to help! The Northwind gift card ending in **7781** currently has a balance of **$35.50**.

You can use it online or in any of our stores, and it never expires. If your order comes to more than the gift card balance, you can pay the rest with a credit card, PayPal or another gift card.

To check the balance yourself in future, visit **northwind.example.com/giftcard** and enter the card number and PIN from the back of the card.

Enjoy your shopping,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["low-risk"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "How much is left on my gift card? It ends in 7781. I used part of it at Christmas.",
                "I can check that for you. Could you confirm the 4-digit PIN on the back?",
                "It's the one I'm logged in with, the card is saved in my account.",
            ),
            "documents": [
                {
                    "title": "Gift card lookup ****7781",
                    "excerpt": "Linked to account p.novak@example.com. Balance $35.50. No expiry.",
                },
            ],
        },
        "metadata": {
            "model": "llama-3.3-70b",
            "confidence": 0.93,
            "latency_ms": 910,
            "cost_usd": 0.0004,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48301",
        "title": "Kayak paddle arrived scratched - partial refund offer",
        "content": """\
Hi Ines,

I'm sorry your Tidewater carbon paddle arrived with scratches on the blade — thank you for the clear photos.

You have two options, whichever suits you best:

1. **Keep the paddle with a partial refund.** The scratches are cosmetic and won't affect performance, so we can refund **20% of the price — $29.80** of the $149.00 you paid — to your original payment method.
2. **Return it for a replacement.** We'll send you a prepaid label, and ship a new paddle as soon as the carrier scans the return. We currently have it in stock.

Just reply with **1** or **2** and I'll take care of the rest. If you choose the partial refund, it usually shows up on your statement within 5–7 business days.

Sorry again that it didn't arrive in perfect condition.

Best,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing", "refund"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "My new paddle has two long scratches on one blade, looks like it was packed badly. "
                "Not a disaster but I paid for new.",
            ),
            "documents": [
                {
                    "title": "Order NW-1044871",
                    "excerpt": "Tidewater carbon paddle 220 cm @ $149.00.",
                },
                {
                    "title": "Damaged in transit policy",
                    "excerpt": "Cosmetic damage: offer 20% partial refund of item price or a "
                    "replacement. Functional damage: replacement or full refund.",
                },
            ],
        },
        "metadata": {
            "model": "gpt-4.1-mini",
            "confidence": 0.93,
            "latency_ms": 1680,
            "cost_usd": 0.0018,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48306",
        "title": "Pre-order delay: Driftwood 12 touring kayak",
        "content": """\
Hi Marcus,

Thank you for your patience with your pre-order of the **Driftwood 12 touring kayak** — and sorry we have to share an update on timing.

Our supplier has told us the first production batch failed a final quality check on the hatch seals, and they are refitting them before shipping. As a result, the expected ship date for your kayak has moved from **February 2** to **March 9**.

What this means for you:

- **You haven't been charged yet.** Pre-orders are only charged when they ship.
- **Your price is locked in** at $1,149, even though the list price rises to $1,249 on February 15.
- **You can cancel at any time** before it ships, at no cost, by replying to this email or from My Account → Orders.

We'd rather be a few weeks late than send you a kayak that lets water in. We'll email you again as soon as it's on its way.

Paddle on,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "Is my kayak pre-order still on track for Feb 2? Planning a trip around it.",
            ),
            "documents": [
                {
                    "title": "Pre-order status: Driftwood 12",
                    "excerpt": "Batch 1 failed QC (hatch seals). Revised ship date 2026-03-09. "
                    "Pre-order customers keep $1,149 price. Card charged on shipment. Free "
                    "cancellation before shipment.",
                },
            ],
        },
        "metadata": {
            "model": "claude-sonnet-4.5",
            "confidence": 0.91,
            "latency_ms": 3340,
            "cost_usd": 0.0079,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48310",
        "title": "Will I pay customs fees on a UK order?",
        "content": """\
Hi Eleanor,

Thanks for shopping with us from across the pond!

I can confirm that for your order **NW-1045217** (total **£210.00**, shipping to Leeds), there will be **no additional customs fees, import VAT or duties** to pay on delivery. The price you paid at checkout is the final price.

Your parcel is shipping with our international partner and should arrive within **5–8 business days**. You'll receive tracking by email once it's handed over in the UK.

If you have any questions in the meantime, just reply here.

Cheers,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "I'm in the UK. Will I be charged anything extra when my parcel arrives? "
                "Last time I ordered from the US I got hit with a £40 bill.",
            ),
            "documents": [
                {
                    "title": "International shipping - United Kingdom",
                    "excerpt": "Orders up to £135: UK VAT is collected at checkout, no fees on "
                    "delivery. Orders over £135: shipped DAP; the carrier collects import VAT, "
                    "any duty and a handling fee from the recipient on delivery.",
                },
            ],
        },
        "metadata": {
            "model": "gpt-4.1-mini",
            "confidence": 0.88,
            "latency_ms": 1510,
            "cost_usd": 0.0016,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48314",
        "title": "Refund request for Trail Club membership auto-renewal",
        "content": """\
Hi Samir,

Thanks for reaching out about your Trail Club renewal. I understand — automatic renewals can easily catch us off guard.

Since you've contacted us within **14 days** of the renewal on January 10, you're eligible for a refund. I've cancelled your membership and issued a **full refund of $49.00** to your card ending in 2208. You should see it within 5–7 business days.

Your membership benefits (free shipping and early sale access) end today. Your Trail Rewards points stay in your account and can still be redeemed.

If you'd like to rejoin in the future, you can do so from My Account at any time.

Best regards,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing", "refund"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "I didn't realize Trail Club auto-renews. I don't want it this year, can I get my "
                "$49 back?",
            ),
            "documents": [
                {
                    "title": "Account: s.haddad@example.com",
                    "excerpt": "Trail Club renewed 2026-01-10 ($49.00, card ****2208). Benefit "
                    "redemptions since renewal: 1 (free shipping, order NW-1044702, 2026-01-12).",
                },
                {
                    "title": "Trail Club terms §6",
                    "excerpt": "Renewals cancelled within 14 days are refunded in full if no "
                    "benefits were used since renewal; otherwise refund the fee minus $10 per "
                    "benefit redemption.",
                },
            ],
        },
        "metadata": {
            "model": "llama-3.3-70b",
            "confidence": 0.85,
            "latency_ms": 1270,
            "cost_usd": 0.0005,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48319",
        "title": "Customer review displayed with raw HTML tags",
        "content": """\
Hi Yusuf,

Thanks for letting us know, and sorry your review of the Basalt Mid boots doesn't look the way you intended.

Our reviews only support plain text, so formatting added with HTML tags is shown exactly as typed. That's why your review currently reads:

> <b>Best boots I've owned!</b> Waterproof after 3 days of rain. <img src=x onerror=alert('hi')> <i>Size up half a size.</i>

To fix it, open **My Account → My Reviews**, choose **Edit**, and remove the tags — for example:

> Best boots I've owned! Waterproof after 3 days of rain. Size up half a size.

If you want to emphasise something, writing it in CAPITALS or on a new line works well. Edited reviews go back through moderation and usually reappear within 24 hours.

Thanks for sharing your experience with other hikers!

The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "My review looks broken. I wrote <b>Best boots I've owned!</b> Waterproof after 3 "
                "days of rain. <img src=x onerror=alert('hi')> <i>Size up half a size.</i> and "
                "it shows all the tags. Other sites let me use bold.",
            ),
        },
        "metadata": {
            "model": "gpt-4.1-mini",
            "confidence": 0.9,
            "latency_ms": 1430,
            "cost_usd": 0.0015,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48323",
        "title": "Return request from customer in Germany (message in German)",
        "content": """\
Hi Mr. Hoffmann,

Thank you for your message, and sorry that the Alpine softshell trousers didn't fit as expected.

You can return them easily within **30 days** of delivery:

1. Log in to your account and go to **Orders → NW-1044933 → Return items**.
2. Select the trousers and the reason for return.
3. Print the **free DHL return label** and drop the parcel at any DHL Packstation or post office.

Once our EU returns center in Venlo receives the parcel, we'll refund **€119.00** to your original payment method within 5 business days.

If you'd prefer a different size instead, choose "Exchange" in step 2 and we'll ship the new size as soon as the return is scanned.

Kind regards,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing", "needs-translation"],
        "context": {
            "prompt": _SUPPORT_PROMPT_MULTILINGUAL,
            "conversation": _conv(
                "Guten Tag, die Alpine Softshellhose (Bestellung NW-1044933) ist leider zu kurz. "
                "Wie kann ich sie zurückschicken? Mit freundlichen Grüßen, Jürgen Hoffmann",
            ),
            "documents": [
                {
                    "title": "EU returns",
                    "excerpt": "30 days, free DHL label, returns center Venlo NL, refund within "
                    "5 business days of receipt.",
                },
            ],
        },
        "metadata": {
            "model": "llama-3.3-70b",
            "confidence": 0.77,
            "latency_ms": 1560,
            "cost_usd": 0.0006,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48327",
        "title": "Corporate bulk order inquiry: 60 branded fleece jackets",
        "content": """\
Hi Olivia,

Thank you for thinking of Northwind Outfitters for the Brightline Analytics team retreat — 60 matching fleeces will look fantastic on the trail!

Here's what we can offer through our **Corporate Sales** program:

- **Ember fleece jacket**, list price $89.00
- **Volume discount: 15%** for orders of 50 units or more → **$75.65 per jacket**
- **Embroidered logo** (up to 10,000 stitches, left chest): $6.00 per jacket, one-time digitizing fee waived
- Mixed sizes and up to 3 colors at no extra cost
- Lead time: **3–4 weeks** from artwork approval

**Estimated total: $4,899.00** (60 × $75.65 + 60 × $6.00), plus shipping to a single address.

To get started, just reply with your logo file (vector format preferred) and a size breakdown, and I'll have our corporate team prepare a formal quote and digital proof within two business days.

Looking forward to kitting out your team,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing", "marketing"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "Hi, we're looking at ~60 fleece jackets with our logo for a company retreat in "
                "April. What kind of pricing can you do? Olivia Chen, Brightline Analytics "
                "(olivia.chen@example.com)",
            ),
            "documents": [
                {
                    "title": "Corporate sales price sheet 2026",
                    "excerpt": "Volume discounts: 25-99 units 10%; 100-249 units 15%; 250+ units "
                    "20%. Embroidery $6.00/unit, digitizing fee waived over 50 units. Lead time "
                    "3-4 weeks.",
                },
            ],
        },
        "metadata": {
            "model": "gpt-4.1-mini",
            "confidence": 0.89,
            "latency_ms": 2380,
            "cost_usd": 0.0026,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48330",
        "title": "Password reset email not arriving",
        "content": """\
Hi Lena,

Sorry you're having trouble getting the reset email. I've just triggered a new one to **lena.v@example.com** — it was sent a moment ago from **no-reply@northwind.example.com**.

If it isn't in your inbox within a few minutes, please:

- check your **Spam**, **Junk** or **Promotions** folders;
- add no-reply@northwind.example.com to your contacts, then request the reset again;
- make sure you're using the newest email, as each new request cancels the previous link.

If it still doesn't arrive, reply here and we can update your account to a different email address after a quick identity check.

Best,
The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["low-risk"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "I clicked forgot password three times and got nothing. lena.v@example.com",
            ),
        },
        "metadata": {
            "model": "llama-3.3-70b",
            "confidence": 0.95,
            "latency_ms": 890,
            "cost_usd": 0.0004,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48334",
        "title": "Request for a return label for trail running shoes",
        "content": """\
Hi Ben,

No problem at all — your **prepaid return label** for the Vireo trail running shoes (order NW-1044318) is attached to this email as a PDF.

A quick checklist before you send them back:

- Shoes should be unworn outdoors, ideally in the original box.
- Print the label and tape it over any old shipping labels.
- Drop the parcel at any UPS location; you'll get an email when it's scanned.

Your refund of **$134.00** will be issued to your original payment method within 5 business days of the return reaching our warehouse.

Thanks, and we hope you find the perfect pair!

The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["low-risk"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "Can I get a return label for the Vireo shoes? Tried them on at home, they pinch. "
                "Order NW-1044318.",
            ),
            "documents": [
                {
                    "title": "Order NW-1044318",
                    "excerpt": "Vireo trail running shoe, US 10.5 @ $134.00. Delivered 2026-01-11.",
                },
            ],
        },
        "metadata": {
            "model": "gpt-4.1-mini",
            "confidence": 0.97,
            "latency_ms": 1010,
            "cost_usd": 0.0011,
        },
    },
    {
        "source": "support-bot",
        "external_id": "ticket-48338",
        "title": "Customer asks about Alpenglow stove recall",
        "content": """\
Hi Ruth,

Thank you for checking — you're right to ask.

Northwind Outfitters has issued a **voluntary recall** of **Alpenglow canister stoves with serial numbers beginning AG24**, made between March and August 2024. In some units the fuel valve O-ring can wear out early and leak fuel, which creates a fire risk.

Based on the serial number you sent (**AG24-118402**), your stove **is included** in the recall.

**What to do**

1. **Stop using the stove right away**, and disconnect any fuel canister.
2. Choose your remedy on our recall page, **northwind.example.com/recall/alpenglow**: a full refund of the purchase price, or a free replacement stove from the updated production run.
3. We'll email you a prepaid label so you can send the recalled stove back. Please don't throw it away.

You don't need a receipt to take part in the recall.

We're sorry for the inconvenience, and thank you for helping us keep everyone safe.

The Northwind Support Team""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing"],
        "context": {
            "prompt": _SUPPORT_PROMPT,
            "conversation": _conv(
                "I heard something about a stove recall. I have an Alpenglow, serial AG24-118402. "
                "Is mine affected?",
            ),
            "documents": [
                {
                    "title": "Recall notice RC-2026-01 Alpenglow",
                    "excerpt": "Affected: serial prefix AG24 (mfd Mar-Aug 2024). Hazard: valve "
                    "O-ring may degrade, fuel leak, fire risk. Remedy: full refund or "
                    "replacement; no receipt required; prepaid return label.",
                },
            ],
        },
        "metadata": {
            "model": "claude-sonnet-4.5",
            "confidence": 0.94,
            "latency_ms": 3150,
            "cost_usd": 0.0074,
        },
    },
    # ------------------------------------------------------------------
    # claims-assistant (20)
    # ------------------------------------------------------------------
    {
        "source": "claims-assistant",
        "external_id": "claim-2026-0193",
        "title": "Internal summary: burst pipe water damage, 14 Larkspur Road",
        "content": """\
## Claim summary — CLM-2026-0193

**Policyholder:** Gwen Halloway · **Policy:** HM-HO-448120 (Homeowners Plus)
**Loss date:** 2026-01-06 · **Reported:** 2026-01-06 · **Peril:** sudden escape of water

### Facts
- A copper supply pipe in the upstairs bathroom burst during the cold snap on January 6. The policyholder shut off the main valve about 40 minutes after discovering the leak.
- Water affected the bathroom floor, the kitchen ceiling below, and kitchen cabinets.
- Emergency mitigation by DryRight Restoration (invoice $2,150) is **included** in the contractor estimate below.
- Contractor estimate (Ridgeway Builders): **$18,400** for drywall, flooring, cabinet replacement and painting.

### Coverage analysis
- Sudden and accidental escape of water is covered under **Section I, Coverage A (Dwelling)**, §3.2.
- The gradual leakage exclusion (§4.7) does not apply: the plumber's report confirms a freeze rupture, with no sign of long-term corrosion.
- The house was heated at the time (thermostat log provided), so the freezing exclusion (§4.9) does not apply.
- Deductible: **$1,000**. Dwelling limit: $420,000.

### Recommendation
Approve the claim and pay **$18,400** to the policyholder, with mortgagee Lakeshore Credit Union listed as co-payee.

### Open questions
- Confirm that the cabinet replacement cannot be limited to the damaged units (matching).
- Ask the policyholder whether contents (a rug and a small bookcase) will be claimed separately under Coverage C.""",
        "content_type": "text/markdown",
        "risk_tags": ["payout"],
        "context": {
            "prompt": _CLAIMS_SUMMARY_PROMPT,
            "conversation": _conv(
                "Summarize 0193 for me please, I need to sign off on the payment today. Estimate "
                "and plumber report are in the file.",
            ),
            "documents": [
                {
                    "title": "Policy schedule HM-HO-448120",
                    "excerpt": "Coverage A Dwelling $420,000. All-peril deductible $1,000. "
                    "Mortgagee: Lakeshore Credit Union.",
                },
                {
                    "title": "Plumber report - Fenwick Plumbing",
                    "excerpt": "Burst 1/2-inch copper supply line, longitudinal split consistent with "
                    "freezing. No corrosion or prior repair observed.",
                },
                {
                    "title": "Ridgeway Builders estimate",
                    "excerpt": "Total $18,400.00 incl. DryRight mitigation $2,150.00.",
                },
            ],
        },
        "metadata": {
            "model": "claude-sonnet-4.5",
            "confidence": 0.9,
            "latency_ms": 6420,
            "cost_usd": 0.0211,
        },
    },
    {
        "source": "claims-assistant",
        "external_id": "claim-2026-0201",
        "title": "Claim received: rear-end collision on Route 9",
        "content": """\
Dear Mr. Abernathy,

Thank you for reporting the accident on **January 13, 2026**, on Route 9 near Westbrook. We're glad to hear no one was injured.

Your claim number is **CLM-2026-0201**. Please quote it in all communication with us.

**What happens next**

1. **Your adjuster**, Tessa Morgan, will contact you within **two business days** to go over the details.
2. **Vehicle inspection.** You can take your 2021 Subaru Outback to any Harbor Mutual partner body shop for a free estimate, or upload photos through the Harbor Mutual app for a virtual inspection.
3. **The other driver.** Based on your account, the other vehicle hit yours from behind. We will contact the other driver's insurer, Crestline Auto, to request that they accept liability. Your adjuster will keep you updated.
4. **Rental car.** Your policy includes rental reimbursement of up to **$40 per day for up to 30 days** while your car is being repaired.

**Please send us**, if you have them: the police report number, photos of both vehicles, and the other driver's insurance details.

We're here to help — call us any time on 1-800-555-0199.

Sincerely,
Harbor Mutual Insurance — Claims Department""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing"],
        "context": {
            "prompt": _CLAIMS_LETTER_PROMPT,
            "conversation": _conv(
                "Draft the FNOL acknowledgment for 0201. Rear-end, our insured was stopped at a "
                "light. Adjuster is Tessa. He has rental coverage.",
            ),
            "documents": [
                {
                    "title": "Policy HM-AU-230941 declarations",
                    "excerpt": "Insured: Reid Abernathy. Vehicle: 2021 Subaru Outback. Collision "
                    "deductible $500. Rental reimbursement $40/day, max 30 days.",
                },
            ],
        },
        "metadata": {
            "model": "claude-sonnet-4.5",
            "confidence": 0.93,
            "latency_ms": 5180,
            "cost_usd": 0.0142,
        },
    },
    {
        "source": "claims-assistant",
        "external_id": "claim-2026-0207",
        "title": "Decision letter: trip cancellation due to illness (approved)",
        "content": """\
Dear Ms. Okonkwo,

We have finished reviewing your travel insurance claim **CLM-2026-0207** for your cancelled trip to Lisbon (planned departure **December 20, 2025**).

**Our decision: your claim is approved.**

You cancelled the trip because of an illness that your treating physician certified on December 17, 2025, as making travel inadvisable. Cancellation because of an illness of the insured person, certified by a physician before departure, is covered under **Section 2.1** of your Harbor Mutual Travel Essentials policy.

**Amount payable**

| Item | Amount |
|---|---|
| Non-refundable flights (TAP Air) | $1,180.00 |
| Non-refundable hotel deposit | $1,260.00 |
| Less: policy excess | −$100.00 |
| **Total payment** | **$2,340.00** |

The payment will be sent by direct deposit to the account ending in **5521** within **5 business days**.

We hope you are feeling better. If you have any questions about this decision, please contact your claims handler, Luis Serrano, at claims@harbormutual.example.com and quote your claim number.

Kind regards,
Harbor Mutual Insurance — Travel Claims""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing", "medical", "payout"],
        "context": {
            "prompt": _CLAIMS_LETTER_PROMPT,
            "conversation": _conv(
                "0207 is approved. Flights 1180, hotel 1260, minus the 100 excess. Please draft "
                "the approval letter. Don't mention the diagnosis, just that it's certified.",
            ),
            "documents": [
                {
                    "title": "Medical certificate (redacted)",
                    "excerpt": "Patient unfit to travel from 2025-12-17 for approx. 2 weeks. "
                    "Signed Dr. A. Pemberton.",
                },
                {
                    "title": "Travel Essentials wording §2.1",
                    "excerpt": "We cover non-refundable prepaid costs if you cancel due to illness "
                    "or injury of the insured, certified by a physician before departure. "
                    "Excess $100 per claim.",
                },
            ],
        },
        "metadata": {
            "model": "claude-sonnet-4.5",
            "confidence": 0.95,
            "latency_ms": 5540,
            "cost_usd": 0.0156,
        },
    },
    {
        "source": "claims-assistant",
        "external_id": "claim-2026-0214",
        "title": "Decision letter: physiotherapy reimbursement (partially approved)",
        "content": """\
Dear Mr. Lindgren,

Thank you for submitting your claim **CLM-2026-0214** for physiotherapy treatment following your knee injury.

**Our decision: partially approved.**

You submitted invoices for **16 physiotherapy sessions** between September and December 2025 at Riverside Physio Clinic, at $85 per session. Your Harbor Mutual Health Plus policy covers up to **12 sessions per policy year** (Section 5.3), reimbursed at 80%.

| | |
|---|---|
| Eligible sessions | 12 × $85.00 = $1,020.00 |
| Reimbursement rate | 80% |
| **Amount payable** | **$816.00** |

The remaining four sessions are not reimbursable under this policy year.

Having reviewed your physiotherapist's notes, your knee has now **fully healed**, and **no further treatment will be medically necessary**. We will therefore not accept further physiotherapy claims relating to this injury.

Payment will be made to your account ending in **8830** within 5 business days.

If you disagree with this decision, you may request an internal review within 60 days by writing to reviews@harbormutual.example.com.

Sincerely,
Harbor Mutual Insurance — Health Claims""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing", "medical", "payout"],
        "context": {
            "prompt": _CLAIMS_LETTER_PROMPT,
            "conversation": _conv(
                "0214: 16 sessions submitted, cap is 12, pay 80%. Draft the letter.",
                "Understood. Should the letter mention the treatment notes from the clinic?",
                "Only if relevant. The last note says 'good progress, reassess in 6 weeks'.",
            ),
            "documents": [
                {
                    "title": "Health Plus wording §5.3",
                    "excerpt": "Physiotherapy: max 12 sessions per policy year, reimbursed at 80% "
                    "of reasonable and customary charges.",
                },
                {
                    "title": "Riverside Physio discharge note",
                    "excerpt": "Good progress, ROM improved, mild residual pain on stairs. "
                    "Reassess in 6 weeks; further sessions may be required.",
                },
            ],
        },
        "metadata": {
            "model": "gpt-4.1-mini",
            "confidence": 0.82,
            "latency_ms": 2870,
            "cost_usd": 0.0034,
        },
    },
    {
        "source": "claims-assistant",
        "external_id": "claim-2026-0219",
        "title": "Internal summary: stolen engagement ring, possible prior claim match",
        "content": """\
## Claim summary — CLM-2026-0219 (SIU referral candidate)

**Policyholder:** Corbin Vale · **Policy:** HM-HO-512877 · **Scheduled item:** platinum diamond engagement ring, appraised **$14,500** (2024)

### Reported loss
Policyholder reports the ring was stolen from a gym locker on **December 29, 2025**. A police report was filed on January 2 (four days later). There are no signs of forced entry on the locker, according to the gym manager's statement.

### Indicators noted
1. **Industry database match:** the ClaimSearch index shows a 2023 claim with **Pinecrest Insurance** for a "platinum solitaire ring, approx. 1.5 ct" by a person with the same name and date of birth. The outcome of that claim is not recorded.
2. The appraisal submitted with this policy (Lumen Jewelers, 2024) describes a **1.52 ct** stone. Cut and clarity grades are close to, but not exactly the same as, the 2023 description.
3. The item was scheduled **seven weeks** before the reported loss.
4. The police report was filed late.

### Caveats
None of these indicators establish fraud on their own. Name and date-of-birth matches can be coincidental, and it is common to report theft late around the holidays. The policyholder has been cooperative and supplied all requested documents promptly.

### Recommended next steps
- Refer to **SIU** for a database verification with Pinecrest (permitted under the information-sharing agreement).
- Ask the policyholder for the original purchase receipt and any photos of the ring being worn.
- Put payment on hold until the review is complete; send the policyholder the standard "additional review" notice (no reason required).""",
        "content_type": "text/markdown",
        "risk_tags": ["fraud"],
        "context": {
            "prompt": _CLAIMS_SUMMARY_PROMPT,
            "conversation": _conv(
                "Pull together 0219 for the SIU triage meeting. The ClaimSearch hit came back "
                "this morning.",
            ),
            "documents": [
                {
                    "title": "ClaimSearch result",
                    "excerpt": "2023-05 Pinecrest Insurance, theft, 'platinum solitaire ring "
                    "~1.5ct', claimant name/DOB match. Disposition: not reported.",
                },
                {
                    "title": "Schedule endorsement",
                    "excerpt": "Ring scheduled 2025-11-10, appraisal Lumen Jewelers 2024, $14,500.",
                },
            ],
        },
        "metadata": {
            "model": "claude-sonnet-4.5",
            "confidence": 0.88,
            "latency_ms": 7130,
            "cost_usd": 0.0234,
        },
    },
    {
        "source": "claims-assistant",
        "external_id": "claim-2026-0226",
        "title": "Letter to policyholder: garage fire claim under investigation",
        "content": """\
Dear Mr. Drummond,

Re: Claim **CLM-2026-0226** — fire at 7 Quarry Lane, January 4, 2026

We are writing about your claim for fire damage to your detached garage and its contents.

Our investigation has found that **the fire was deliberately started** and that **you staged this loss** to collect on your policy. In particular:

- The fire investigator found traces of an accelerant in two separate places.
- You increased your contents coverage by $30,000 six weeks before the fire.
- Your business accounts show significant debts.

**Insurance fraud is a crime.** Your claim is therefore **denied**, your policy is **cancelled with immediate effect**, and we have referred this matter to the police.

Any further attempt to pursue this claim will be treated as continuing fraud.

Harbor Mutual Insurance — Special Investigations Unit""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing", "fraud", "legal"],
        "context": {
            "prompt": _CLAIMS_LETTER_PROMPT,
            "conversation": _conv(
                "SIU wants a letter to Drummond on 0226. Tell him we're continuing to investigate, "
                "we need an examination under oath, and payment is on hold. Counsel hasn't signed "
                "off on anything beyond that.",
            ),
            "documents": [
                {
                    "title": "Fire investigator preliminary report",
                    "excerpt": "Two areas of origin; samples sent to lab for accelerant analysis - "
                    "results pending. Cause: undetermined at this time.",
                },
                {
                    "title": "SIU note",
                    "excerpt": "Contents limit increased +$30k on 2025-11-20. Financial stress "
                    "indicators. Request EUO under policy conditions §9. No determination yet.",
                },
            ],
        },
        "metadata": {
            "model": "llama-3.3-70b",
            "confidence": 0.74,
            "latency_ms": 2460,
            "cost_usd": 0.0011,
        },
    },
    {
        "source": "claims-assistant",
        "external_id": "claim-2026-0232",
        "title": "Acknowledgment: new claim for fallen tree on fence",
        "content": """\
Dear Ms. Petrakis,

Thank you for reporting the damage to your fence caused by a fallen tree on **January 11, 2026**. We have opened claim **CLM-2026-0232** for you.

Your claims handler is **Owen Ashby**, who will contact you within two business days. In the meantime, you're welcome to:

- take photos of the damage and the tree before anything is removed;
- keep receipts for any emergency work, such as temporary fencing to keep pets in;
- get a repair quote from a contractor of your choice.

You can upload photos and documents any time through the Harbor Mutual app or at harbormutual.example.com/claims.

Kind regards,
Harbor Mutual Insurance — Claims Department""",
        "content_type": "text/markdown",
        "risk_tags": ["low-risk"],
        "context": {
            "prompt": _CLAIMS_LETTER_PROMPT,
            "conversation": _conv(
                "Standard acknowledgment for 0232 please. Tree onto fence, handler Owen.",
            ),
        },
        "metadata": {
            "model": "gpt-4.1-mini",
            "confidence": 0.97,
            "latency_ms": 1420,
            "cost_usd": 0.0015,
        },
    },
    {
        "source": "claims-assistant",
        "external_id": "claim-2026-0238",
        "title": "Request for documents: storm damage to roof and skylight",
        "content": """\
Dear Mr. and Mrs. Fairbanks,

Thank you for your patience while we review claim **CLM-2026-0238** for storm damage to your roof and kitchen skylight on **January 2, 2026**.

To complete our assessment, we need the following documents:

1. **A contractor's repair estimate** with separate line items for the roof, the skylight, and any interior damage.
2. **Photos** of the damaged roof area and the skylight from inside and outside, if you can take them safely. Please don't climb onto the roof yourself.
3. **Receipts for emergency repairs**, such as tarping, which are covered as reasonable steps to prevent further damage.
4. **The age of the roof**, or the year of the last replacement, if you know it.

Please upload these through the Harbor Mutual app or email them to claims@harbormutual.example.com, quoting your claim number, within **30 days**. If you need more time, just let us know.

Once we receive everything, we aim to make a decision within **10 business days**.

Sincerely,
Harbor Mutual Insurance — Property Claims""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing"],
        "context": {
            "prompt": _CLAIMS_LETTER_PROMPT,
            "conversation": _conv(
                "Doc request for 0238. Need estimate, photos, tarp receipts and roof age.",
            ),
        },
        "metadata": {
            "model": "claude-sonnet-4.5",
            "confidence": 0.94,
            "latency_ms": 4330,
            "cost_usd": 0.0118,
        },
    },
    {
        "source": "claims-assistant",
        "external_id": "claim-2026-0241",
        "title": "Decision letter: basement flooding from river overflow (declined)",
        "content": """\
Dear Ms. Achterberg,

We have completed our review of claim **CLM-2026-0241** for water damage to your basement on **December 28, 2025**.

We're sorry to tell you that **we are unable to pay this claim**.

**Why**

The adjuster's inspection and the National Weather Service records show that the water entered your basement when the Millbrook River overflowed its banks after heavy rain. Your Harbor Mutual Homeowners policy **excludes damage caused by flood**, including the overflow of any body of water (**Section 4.3, Exclusions — Water**). Your policy does not include the optional flood endorsement.

We know this is not the answer you were hoping for.

**This decision is final and cannot be appealed.** We recommend you contact the National Flood Insurance Program or your local emergency management office to find out whether you qualify for disaster assistance.

Sincerely,
Harbor Mutual Insurance — Property Claims""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing", "legal"],
        "context": {
            "prompt": _CLAIMS_LETTER_PROMPT,
            "conversation": _conv(
                "0241 is a decline, river flood, no flood endorsement. Draft the declination. "
                "Standard rights language please.",
            ),
            "documents": [
                {
                    "title": "Homeowners wording §4.3",
                    "excerpt": "We do not cover loss caused by flood, surface water, waves, tidal "
                    "water, or overflow of a body of water.",
                },
                {
                    "title": "Declination rights template",
                    "excerpt": "You may request an internal review within 60 days of this letter. "
                    "You also have the right to contact the State Department of Insurance "
                    "consumer services division.",
                },
            ],
        },
        "metadata": {
            "model": "gpt-4.1-mini",
            "confidence": 0.87,
            "latency_ms": 2640,
            "cost_usd": 0.0031,
        },
    },
    {
        "source": "claims-assistant",
        "external_id": "claim-2026-0247",
        "title": "Decision letter: checked bag lost on return flight from Reykjavik",
        "content": """\
Dear Mr. Oyelaran,

Thank you for your claim **CLM-2026-0247** for your checked suitcase, which was lost on your flight from Reykjavik to Boston on **December 30, 2025**. We're sorry about the disruption to the end of your trip.

**Our decision: approved.**

The airline has confirmed in writing that the bag has been declared permanently lost, and you have sent us an itemized list of its contents with receipts for the larger items. Baggage loss is covered under **Section 3.2** of your Travel Essentials policy.

**Payment**

| | |
|---|---|
| Contents claimed (as itemized) | $2,780.00 |
| Less: airline compensation already received | −$480.00 |
| **Amount payable** | **$2,300.00** |

Payment will be made to your account ending in **1176** within 5 business days.

If you later receive any more compensation from the airline for this bag, please let us know.

Kind regards,
Harbor Mutual Insurance — Travel Claims""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing", "payout"],
        "context": {
            "prompt": _CLAIMS_LETTER_PROMPT,
            "conversation": _conv(
                "Approve 0247 per the wording. Airline paid him 480 already. Draft the letter.",
            ),
            "documents": [
                {
                    "title": "Travel Essentials wording §3.2",
                    "excerpt": "Baggage: maximum $1,500 per bag, single-item limit $500, less any "
                    "compensation received from the carrier.",
                },
                {
                    "title": "Adjuster worksheet",
                    "excerpt": "Itemized $2,780; after single-item limit $2,120; capped at $1,500 "
                    "per bag; less airline $480 => payable $1,020.00.",
                },
            ],
        },
        "metadata": {
            "model": "llama-3.3-70b",
            "confidence": 0.8,
            "latency_ms": 1930,
            "cost_usd": 0.0009,
        },
    },
    {
        "source": "claims-assistant",
        "external_id": "claim-2026-0252",
        "title": "Windshield chip repair approved (no deductible)",
        "content": """\
Dear Ms. Yamada,

Good news about claim **CLM-2026-0252**: the chip in your windshield is covered, and because it's a **repair rather than a replacement**, **no deductible applies**.

You can book the repair directly with our glass partner, **ClearView Auto Glass**, by calling 1-800-555-0172 or online at clearview.example.com. Just give them your claim number. They can come to your home or workplace, and the repair usually takes about 30 minutes.

Please try to have it repaired soon: small chips can spread into cracks in cold weather, and a cracked windshield may need a full replacement.

Kind regards,
Harbor Mutual Insurance — Auto Claims""",
        "content_type": "text/markdown",
        "risk_tags": ["low-risk"],
        "context": {
            "prompt": _CLAIMS_LETTER_PROMPT,
            "conversation": _conv(
                "0252 chip repair, comprehensive, glass repair has $0 deductible. Quick letter.",
            ),
        },
        "metadata": {
            "model": "gpt-4.1-mini",
            "confidence": 0.96,
            "latency_ms": 1190,
            "cost_usd": 0.0012,
        },
    },
    {
        "source": "claims-assistant",
        "external_id": "claim-2026-0258",
        "title": "Status update: waiting for repair shop estimate",
        "content": """\
Dear Mr. Brandvold,

We wanted to give you a quick update on your claim **CLM-2026-0258**.

We're still waiting for the repair estimate from **Northgate Collision**, where your vehicle was inspected on **January 12**. The shop has told us it expects to send it by **January 19**, once the price of the replacement bumper sensor is confirmed by the manufacturer.

As soon as we receive the estimate, your adjuster will review it and contact you to confirm the repair authorization, usually within two business days.

There's nothing you need to do right now. If you have questions, you can reach your adjuster, Priscilla Noor, on 1-800-555-0199 ext. 4412.

Kind regards,
Harbor Mutual Insurance — Auto Claims""",
        "content_type": "text/markdown",
        "risk_tags": ["low-risk"],
        "context": {
            "prompt": _CLAIMS_LETTER_PROMPT,
            "conversation": _conv(
                "Customer on 0258 asked for an update. We're waiting on Northgate's estimate, "
                "they said by the 19th (sensor pricing). Adjuster Priscilla, x4412.",
            ),
        },
        "metadata": {
            "model": "llama-3.3-70b",
            "confidence": 0.95,
            "latency_ms": 960,
            "cost_usd": 0.0004,
        },
    },
    {
        "source": "claims-assistant",
        "external_id": "claim-2026-0263",
        "title": "Pet insurance: request for veterinary records before assessment",
        "content": """\
Dear Ms. Kowalczyk,

Thank you for your claim **CLM-2026-0263** for Biscuit's emergency treatment at **Lakeside Veterinary Hospital** on **January 8, 2026**. We hope she is recovering well.

Before we can assess the claim, we need a little more information:

1. **Full clinical history** from Lakeside Veterinary Hospital covering the visit on January 8 and any follow-up appointments.
2. **Records from Biscuit's regular vet** for the **12 months before** your policy started on **June 1, 2025**. We ask for these for every claim in the first policy year, to confirm whether the condition was present before cover began.
3. An **itemized invoice** showing each treatment and medication. The summary receipt you sent doesn't list individual charges.

You can ask both clinics to email the records directly to pets@harbormutual.example.com, quoting your claim number. Many clinics do this for free.

Once we have everything, we'll aim to give you a decision within **10 business days**.

Kind regards,
Harbor Mutual Insurance — Pet Claims""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing"],
        "context": {
            "prompt": _CLAIMS_LETTER_PROMPT,
            "conversation": _conv(
                "0263: dog, emergency visit, first policy year. Need clinical history, prior "
                "12 months records and itemized invoice.",
            ),
        },
        "metadata": {
            "model": "claude-sonnet-4.5",
            "confidence": 0.92,
            "latency_ms": 4050,
            "cost_usd": 0.0107,
        },
    },
    {
        "source": "claims-assistant",
        "external_id": "claim-2026-0267",
        "title": "Internal summary: e-bike stolen from apartment bike room",
        "content": """\
## Claim summary — CLM-2026-0267

**Policyholder:** Felix Moreau · **Policy:** HM-RT-390214 (Renters)
**Loss date:** 2026-01-09 · **Item:** Voltaro Commuter e-bike, purchased 2024 for **$2,850**

### Facts
- The bike was locked with a D-lock in the shared, key-fob-access bike room of the building at 88 Harrow Street. The policyholder found the lock cut on the morning of January 9.
- Police report filed on the same day (report no. 26-004417).
- The building manager confirmed that two other bikes were stolen from the same room that night.

### Related losses at the same address
Cross-check of our own book shows another Harbor Mutual policyholder was affected in the same incident:
- **Amara Whitcombe**, Apt 5C, DOB 1991-04-22, policy HM-RT-388760, phone (617) 555-0188 — claimed a road bike ($1,400) under CLM-2026-0265. Ms. Whitcombe told her adjuster she had "seen someone hanging around the bike room" and has a prior theft claim from 2022.

### Coverage analysis
- Theft of personal property is covered under **Coverage C**, §2.1. Bicycles, including e-bikes under 750 W, are covered up to the **$3,000** sub-limit.
- The policy pays actual cash value. With an estimated 20% depreciation, ACV is **$2,280**. Deductible $500 → **$1,780** payable.

### Recommendation
Approve **$1,780**. No fraud indicators for this policyholder. Consider combining handling with CLM-2026-0265, which comes from the same incident.""",
        "content_type": "text/markdown",
        "risk_tags": ["personal-data", "payout"],
        "context": {
            "prompt": _CLAIMS_SUMMARY_PROMPT,
            "conversation": _conv(
                "Summary for 0267 please. Note the building says multiple bikes went that night.",
            ),
            "documents": [
                {
                    "title": "Renters policy HM-RT-390214",
                    "excerpt": "Coverage C $25,000, ACV basis. Bicycle sub-limit $3,000. "
                    "Deductible $500.",
                },
                {
                    "title": "Internal claims index (same address, 30 days)",
                    "excerpt": "CLM-2026-0265 A. Whitcombe, Apt 5C, HM-RT-388760 - road bike "
                    "theft 2026-01-09. [Restricted: other policyholder - do not disclose in "
                    "unrelated claim files]",
                },
            ],
        },
        "metadata": {
            "model": "gpt-4.1-mini",
            "confidence": 0.86,
            "latency_ms": 3120,
            "cost_usd": 0.0038,
        },
    },
    {
        "source": "claims-assistant",
        "external_id": "claim-2026-0271",
        "title": "Rental car damage abroad: what your policy covers",
        "content": """\
Dear Ms. Duarte,

Thank you for contacting us about the scratch and dent on your rental car in **Sicily** on **January 3, 2026** (claim **CLM-2026-0271**).

Your Harbor Mutual Travel Essentials policy includes **Rental Vehicle Excess cover** (Section 6). If the rental company has charged you the excess (deductible) under its own damage waiver, we can reimburse it up to **$2,000**.

To process your claim, please send us:

1. The **rental agreement**, showing the excess amount.
2. The **damage report** you signed with the rental company when you returned the car.
3. Proof of the **amount charged** to your card, such as a card statement or the company's final invoice.
4. Photos of the damage, if you took any.

If the rental company charged you in euros, we'll reimburse the amount in dollars at the exchange rate on the date of the charge, as shown on your card statement.

Please note that this cover does not include fines, fuel charges, or administration fees the rental company may add.

Kind regards,
Harbor Mutual Insurance — Travel Claims""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing"],
        "context": {
            "prompt": _CLAIMS_LETTER_PROMPT,
            "conversation": _conv(
                "Customer asks if 0271 rental damage in Italy is covered. She has the rental "
                "excess add-on, limit 2k. Explain and ask for docs.",
            ),
            "documents": [
                {
                    "title": "Travel Essentials §6 Rental Vehicle Excess",
                    "excerpt": "Reimburses the excess charged under the rental company's CDW, up "
                    "to $2,000 per trip. Excludes fines, fuel, admin fees.",
                },
            ],
        },
        "metadata": {
            "model": "claude-sonnet-4.5",
            "confidence": 0.93,
            "latency_ms": 4480,
            "cost_usd": 0.0121,
        },
    },
    {
        "source": "claims-assistant",
        "external_id": "claim-2026-0276",
        "title": "Hail damage to roof: virtual inspection pilot, estimate review",
        "content": """\
Dear Mr. Quintero,

Thank you for taking part in our **virtual roof inspection pilot** for claim **CLM-2026-0276**, for hail damage on **January 7, 2026**.

Our adjuster has reviewed the drone images you captured with the Harbor Mutual app, together with the estimate from **Summit Roofing Co.** ($12,900 for a full roof replacement). Here is what we found so far:

- The images clearly show **hail impacts on the south- and west-facing slopes**, consistent with the storm recorded in your area that day.
- The **north and east slopes** are not clear enough in the images for us to confirm damage.

**Next step:** because the estimate is for a full replacement, we've scheduled a short **in-person inspection of the north and east slopes** on **January 22, between 10 am and 12 pm**. You don't need to be home, but please leave the side gate unlocked. If that time doesn't suit you, reply to this letter and we'll find another slot.

We'll confirm the covered scope and the payment amount after the inspection. Please don't sign a final contract for a full replacement until then.

Kind regards,
Harbor Mutual Insurance — Property Claims""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing", "pilot-region"],
        "context": {
            "prompt": _CLAIMS_LETTER_PROMPT,
            "conversation": _conv(
                "0276 is in the Colorado drone pilot. South/west damage confirmed from imagery, "
                "north/east inconclusive. Field visit booked 1/22 10-12. Draft the update.",
            ),
        },
        "metadata": {
            "model": "claude-sonnet-4.5",
            "confidence": 0.91,
            "latency_ms": 4870,
            "cost_usd": 0.0129,
        },
    },
    {
        "source": "claims-assistant",
        "external_id": "claim-2026-0280",
        "title": "Decision letter: emergency dental treatment in Mexico (approved)",
        "content": """\
Dear Ms. Fairweather,

We have finished reviewing claim **CLM-2026-0280** for emergency dental treatment you received in **Oaxaca, Mexico**, on **December 27, 2025**.

**Our decision: approved.**

The clinic's report confirms that you needed emergency treatment for a fractured molar to relieve acute pain during your trip. Emergency dental treatment abroad is covered under **Section 4.4** of your Travel Essentials policy, up to **$750 per trip**.

**Payment**

| | |
|---|---|
| Clinic invoice | MXN 9,800 |
| Converted at the rate on your card statement (Dec 27) | $548.40 |
| Less: policy excess | −$100.00 |
| **Amount payable** | **$448.40** |

Please note that the **crown** your dentist at home has recommended is **not covered**: Section 4.4 covers only emergency pain relief abroad, not permanent restorative work.

Payment will be made to your account ending in **3309** within 5 business days. If you have questions, please contact us at claims@harbormutual.example.com.

Kind regards,
Harbor Mutual Insurance — Travel Claims""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing", "medical", "payout"],
        "context": {
            "prompt": _CLAIMS_LETTER_PROMPT,
            "conversation": _conv(
                "Approve 0280. Invoice MXN 9,800 = $548.40 per her card statement. $100 excess. "
                "She also asked about the crown at home - not covered.",
            ),
            "documents": [
                {
                    "title": "Travel Essentials §4.4",
                    "excerpt": "Emergency dental treatment abroad for the relief of sudden pain, "
                    "up to $750 per trip. Permanent or restorative treatment excluded. "
                    "Excess $100 per claim.",
                },
            ],
        },
        "metadata": {
            "model": "claude-sonnet-4.5",
            "confidence": 0.94,
            "latency_ms": 5230,
            "cost_usd": 0.0144,
        },
    },
    {
        "source": "claims-assistant",
        "external_id": "claim-2026-0284",
        "title": "Policyholder question: is mould in the bathroom covered?",
        "content": """\
Dear Mr. Sørensen,

Thank you for your question about the mould you've found behind the bathroom tiles (reference **CLM-2026-0284**).

Whether mould damage is covered depends on **what caused it**, so we can't give you a definite answer yet. Here is how your Homeowners policy generally works:

- **Likely covered:** mould that results from a **sudden and accidental** escape of water that is covered, such as a pipe that burst recently. Mould remediation in these cases is covered up to **$10,000** (Section 3.6).
- **Likely not covered:** mould caused by **long-term leakage, condensation or humidity** over weeks or months, such as a slowly failing shower seal or poor ventilation (Section 4.7).

**Suggested next steps**

1. Ask a plumber or mould specialist to find the **source of the moisture** and put it in writing.
2. Take photos before any tiles are removed.
3. Send us the report, and your adjuster will confirm coverage.

In the meantime, please ventilate the room and avoid disturbing the affected area. If anyone in your home has breathing problems, it's a good idea to ask a medical professional for advice.

Kind regards,
Harbor Mutual Insurance — Property Claims""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing"],
        "context": {
            "prompt": _CLAIMS_LETTER_PROMPT,
            "conversation": _conv(
                "Hi, I found black mould behind the tiles when I replaced a towel rail. Am I "
                "covered? - Anders Sørensen",
            ),
            "documents": [
                {
                    "title": "Homeowners wording §3.6 and §4.7",
                    "excerpt": "§3.6 Mould resulting from a covered water loss: up to $10,000. "
                    "§4.7 Excluded: continuous or repeated seepage or leakage over 14 days or "
                    "more, condensation, humidity.",
                },
            ],
        },
        "metadata": {
            "model": "claude-sonnet-4.5",
            "confidence": 0.9,
            "latency_ms": 4610,
            "cost_usd": 0.0124,
        },
    },
    {
        "source": "claims-assistant",
        "external_id": "claim-2026-0289",
        "title": "Subrogation demand to Crestline Auto for rear-end collision",
        "content": """\
**Crestline Auto Insurance**
Subrogation Department
1200 Commerce Plaza, Hartford, CT 06103
subrogation@crestline.example.com

**Re:** Subrogation demand
**Our insured:** Reid Abernathy · **Our claim:** CLM-2026-0201
**Your insured:** Karla Dunmore · **Your claim:** CA-77410293
**Date of loss:** January 13, 2026 · **Location:** Route 9 at Elm St, Westbrook

Dear Claims Professional,

Harbor Mutual Insurance has paid for collision damage to its insured's vehicle arising from the loss described above. The police report (No. WB-26-00318) states that your insured's vehicle struck the rear of our insured's vehicle while it was stopped at a red light. Your insured was cited for following too closely.

Under our policy's subrogation provisions, we are subrogated to our insured's rights of recovery to the extent of our payments. We therefore demand reimbursement of:

| Item | Amount |
|---|---|
| Vehicle repairs (Northgate Collision) | $6,842.17 |
| Rental reimbursement (9 days × $40) | $360.00 |
| Insured's collision deductible | $500.00 |
| **Total demand** | **$7,702.17** |

The insured's deductible is included so that it can be reimbursed to him. Supporting documents are enclosed: repair invoice, photos, rental invoice, payment records, and the police report.

Please respond within **30 days** to confirm acceptance of liability and payment, or provide your position in writing. If we do not hear from you, we reserve the right to pursue inter-company arbitration.

Sincerely,
Tessa Morgan
Subrogation Specialist, Harbor Mutual Insurance""",
        "content_type": "text/markdown",
        "risk_tags": ["legal"],
        "context": {
            "prompt": (
                "You are the claims assistant for Harbor Mutual Insurance. Draft a subrogation "
                "demand letter to the adverse carrier using the paid amounts in the file. "
                "Reviewed by subrogation counsel before sending."
            ),
            "conversation": _conv(
                "Subro demand to Crestline on 0201. Paid repairs 6,842.17, rental 9 days at 40, "
                "plus his 500 deductible. Police report WB-26-00318, their insured cited.",
            ),
            "documents": [
                {
                    "title": "Payment ledger CLM-2026-0201",
                    "excerpt": "Repair paid $6,842.17 (net of $500 deductible paid by insured to "
                    "shop). Rental paid $360.00.",
                },
            ],
        },
        "metadata": {
            "model": "gpt-4.1-mini",
            "confidence": 0.89,
            "latency_ms": 3370,
            "cost_usd": 0.0041,
        },
    },
    {
        "source": "claims-assistant",
        "external_id": "claim-2026-0293",
        "title": "Post-claim follow-up with contents cover offer",
        "content": """\
Dear Ms. Halloway,

Now that the repairs to your kitchen and bathroom are complete, we wanted to check in. We hope your home is back to normal after January's burst pipe. 🏠

**How did we do?** We'd love to hear about your claims experience. The survey takes about two minutes: [Share your feedback](https://survey.example.com/hm/CLM-2026-0193)

**A quick tip for the future**

During your claim, you mentioned that a rug and a bookcase were damaged but weren't claimed. Many homeowners don't realize their **contents limit** may not reflect what their belongings would cost to replace today.

Our **Contents Replacement Plus** add-on:

- pays the **full replacement cost** of your belongings, with no deduction for depreciation;
- covers **accidental damage** to items such as TVs, laptops and rugs;
- costs from **$8 a month** for existing Harbor Mutual customers.

Reply to this email or call us on 1-800-555-0140 to get a personalized quote. There's no obligation.

Thank you for trusting Harbor Mutual.

Warm regards,
Harbor Mutual Insurance — Customer Care""",
        "content_type": "text/markdown",
        "risk_tags": ["customer-facing", "marketing"],
        "context": {
            "prompt": (
                "You are the customer care assistant for Harbor Mutual Insurance. Draft a "
                "post-claim follow-up email with the satisfaction survey link. Where relevant, "
                "mention one product that addresses a gap seen in the claim. Be helpful, not "
                "pushy. Marketing copy is reviewed by compliance before sending."
            ),
            "conversation": _conv(
                "Follow-up for Halloway (0193, closed). She mentioned a rug and a bookcase she "
                "didn't claim. Survey link survey.example.com/hm/CLM-2026-0193.",
            ),
        },
        "metadata": {
            "model": "gpt-4.1-mini",
            "confidence": 0.88,
            "latency_ms": 2190,
            "cost_usd": 0.0027,
        },
    },
]
