from twilio_async import Client


async def test_create_and_fetch(client: Client) -> None:
    created = await client.incoming_phone_numbers.create(phone_number="+14155552344")
    fetched = await client.incoming_phone_numbers(created.sid).fetch()
    assert fetched == created
