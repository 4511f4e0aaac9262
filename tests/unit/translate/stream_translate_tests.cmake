# stream translator tests go here
